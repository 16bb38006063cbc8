/// Which etcd endpoint a store talks to first. The others follow in the configured order
/// (wrapping around) when it fails, so failover is always in a defined order.
public enum EndpointPreference: Sendable, Hashable {
    /// The first endpoint as given.
    case given
    /// The member on this host if exactly one endpoint's host is an address of this host;
    /// otherwise one picked by a stable hash of `key` (the node's name), so that agents
    /// spread over the members instead of all loading (and all losing) the first one.
    case spread(key: String)

    /// The index to start at, for `endpoints` (normalized URLs) and this host's addresses.
    public func startIndex(endpoints: [String], localAddresses: Set<String>) -> Int {
        guard !endpoints.isEmpty else { return 0 }
        switch self {
        case .given:
            return 0
        case .spread(let key):
            let local = endpoints.indices.filter { localAddresses.contains(Self.host(of: endpoints[$0])) }
            if local.count == 1 { return local[0] }
            // FNV-1a: stable across processes and builds (Swift's Hasher is seeded per run).
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in key.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0100_0000_01b3
            }
            return Int(hash % UInt64(endpoints.count))
        }
    }

    /// The host of an `http(s)://host:port` URL (brackets of an IPv6 literal removed).
    static func host(of endpoint: String) -> String {
        var rest = Substring(endpoint)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[rest.index(after: rest.startIndex)..<close])
        }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return String(rest)
    }
}
