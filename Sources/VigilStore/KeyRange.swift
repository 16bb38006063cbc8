/// Which keys a read or delete covers: one key, or every key starting with a prefix.
public enum KeyRange: Hashable, Sendable {
    /// Exactly this key.
    case key(String)
    /// Every key that starts with this prefix (the empty prefix is every key).
    case prefix(String)
    /// Every key from the first (included) to the second (excluded), in byte order.
    case between(String, String)

    /// Whether `key` is covered.
    public func contains(_ key: String) -> Bool {
        switch self {
        case .key(let k): return k == key
        case .prefix(let p): return key.utf8.starts(with: p.utf8)
        case .between(let start, let end):
            return !key.utf8.lexicographicallyPrecedes(start.utf8) && key.utf8.lexicographicallyPrecedes(end.utf8)
        }
    }

    /// etcd's `[key, range_end)` as bytes; `rangeEnd` is nil for a single key.
    var etcdBounds: (key: [UInt8], rangeEnd: [UInt8]?) {
        switch self {
        case .key(let k):
            return (Array(k.utf8), nil)
        case .prefix(let p):
            var end = Array(p.utf8)
            while let last = end.last {
                if last < 0xff {
                    end[end.count - 1] = last + 1
                    return (Array(p.utf8), end)
                }
                end.removeLast()
            }
            // Empty prefix (or all 0xff): from the start key to the end of the keyspace.
            return (p.isEmpty ? [0] : Array(p.utf8), [0])
        case .between(let start, let end):
            return (Array(start.utf8), Array(end.utf8))
        }
    }
}
