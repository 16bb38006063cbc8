internal import CYaml

/// Measures how many nodes a YAML text expands to once its aliases are resolved, from
/// libyaml's event stream, before any tree is built.
///
/// Composing shares an aliased node rather than copying it, but everything after walks
/// every copy: Yams hashes mapping keys (an alias used as a key hashes its whole
/// expansion) and the decoder visits each value. Ten nested levels of ten aliases each
/// ("a billion laughs") are 10^10 nodes from a few hundred bytes; counting events with the
/// size of each anchor finds that in one linear pass.
enum YAMLExpansion {
    /// Where the expansion first passes `limit` nodes (1-based line and column), or nil
    /// when it stays within it. A text libyaml cannot parse also answers nil: the composer
    /// then reports the syntax error with its position.
    static func firstExcess(in text: String, limit: Int) -> (line: Int, column: Int)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var source = text
        return source.withUTF8 { buffer -> (line: Int, column: Int)? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var counter = Counter(limit: limit)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let type = event.type
                if type == YAML_STREAM_END_EVENT { return nil }
                if counter.add(event) {
                    return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
                }
            }
        }
    }

    /// The running count: each collection open on the stack with its size so far, and the
    /// expanded size of every anchor seen.
    private struct Counter {
        let limit: Int
        var total = 0
        var open: [(anchor: String?, size: Int)] = []
        var anchors: [String: Int] = [:]

        /// Counts one event; returns true once the total passes the limit.
        mutating func add(_ event: yaml_event_t) -> Bool {
            switch event.type {
            case YAML_SCALAR_EVENT:
                if let anchor = Self.string(event.data.scalar.anchor) { anchors[anchor] = 1 }
                grow(by: 1)
            case YAML_ALIAS_EVENT:
                // An undefined alias counts as one node; the composer reports it.
                grow(by: Self.string(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1)
            case YAML_SEQUENCE_START_EVENT:
                total += 1
                open.append((Self.string(event.data.sequence_start.anchor), 1))
            case YAML_MAPPING_START_EVENT:
                total += 1
                open.append((Self.string(event.data.mapping_start.anchor), 1))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { break }
                if let anchor = closed.anchor { anchors[anchor] = closed.size }
                // Its nodes are in the total already; only its parent's size grows.
                if !open.isEmpty { open[open.count - 1].size += closed.size }
            default:
                break
            }
            return total > limit
        }

        private mutating func grow(by size: Int) {
            total += size
            if !open.isEmpty { open[open.count - 1].size += size }
        }

        private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}
