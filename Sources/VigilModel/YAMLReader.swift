internal import Yams

/// Walks a composed YAML tree, converting scalars and collecting every problem with
/// its position. Each accessor reports its own errors and returns nil on failure, so a
/// decoder can carry on and report everything at once.
struct YAMLReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    /// Drops the diagnostics from index `start` on that `drop` selects (an error of a base
    /// parameter is reported once, at `params`, not again for every node that inherits it).
    mutating func dropDiagnostics(from start: Int, where drop: (Diagnostic) -> Bool) {
        guard start < diagnostics.count else { return }
        let kept = diagnostics[start...].filter { !drop($0) }
        diagnostics.removeSubrange(start...)
        diagnostics.append(contentsOf: kept)
    }
    /// Field path → position, for checks that run after decoding.
    private(set) var marks: [String: (line: Int, column: Int)] = [:]

    init(file: String) {
        self.file = file
    }

    /// A mapping's entries in file order, with key lookup.
    struct Fields {
        let path: String
        let node: Node
        var entries: [(key: String, keyNode: Node, value: Node)]
        subscript(key: String) -> Node? {
            entries.first { $0.key == key }?.value
        }
        func childPath(_ key: String) -> String {
            path.isEmpty ? key : "\(path).\(key)"
        }
    }

    // MARK: Reporting

    mutating func error(_ node: Node?, _ path: String, _ message: String) {
        let mark = node?.mark
        diagnostics.append(Diagnostic(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                                      path: path, message: message))
    }

    /// Reports at the position recorded for `path` (or its closest recorded parent).
    mutating func error(atPath path: String, _ message: String) {
        var probe = path
        var position = marks[probe]
        while position == nil, let cut = probe.lastIndex(where: { $0 == "." || $0 == "[" }) {
            probe = String(probe[..<cut])
            position = marks[probe]
        }
        diagnostics.append(Diagnostic(file: file, line: position?.line ?? 0, column: position?.column ?? 0,
                                      path: path, message: message))
    }

    mutating func record(_ node: Node, _ path: String) {
        if let mark = node.mark { marks[path] = (mark.line, mark.column) }
    }

    // MARK: Structure

    /// The mapping at `node`; unknown keys are reported (with a suggestion), as are
    /// duplicate keys.
    mutating func mapping(_ node: Node, _ path: String, allowed: [String]) -> Fields? {
        record(node, path)
        guard case .mapping(let mapping) = node else {
            error(node, path, "expected a mapping (key: value), got \(describe(node))")
            return nil
        }
        var fields = Fields(path: path, node: node, entries: [])
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(keyNode, path, "expected a plain key, got \(describe(keyNode))")
                continue
            }
            let key = scalar.string
            let childPath = fields.childPath(key)
            if fields.entries.contains(where: { $0.key == key }) {
                error(keyNode, childPath, "duplicate key '\(key)'")
                continue
            }
            guard allowed.contains(key) else {
                var message = "unknown key '\(key)'"
                if let suggestion = Self.closest(to: key, in: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; expected one of: \(allowed.joined(separator: ", "))"
                }
                error(keyNode, childPath, message)
                continue
            }
            record(value, childPath)
            fields.entries.append((key, keyNode, value))
        }
        return fields
    }

    /// The items of the sequence at `node`.
    mutating func sequence(_ node: Node, _ path: String) -> [(path: String, node: Node)]? {
        record(node, path)
        guard case .sequence(let sequence) = node else {
            error(node, path, "expected a list, got \(describe(node))")
            return nil
        }
        return sequence.enumerated().map { index, item in
            let itemPath = "\(path)[\(index)]"
            record(item, itemPath)
            return (itemPath, item)
        }
    }

    /// Reports a missing required key.
    mutating func required(_ fields: Fields, _ key: String, _ what: String) -> Node? {
        if let value = fields[key] { return value }
        error(fields.node, fields.childPath(key), "missing; expected \(what)")
        return nil
    }

    // MARK: Scalars

    mutating func string(_ node: Node, _ path: String, what: String = "a string") -> String? {
        guard case .scalar(let scalar) = node, !Self.isNull(scalar) else {
            error(node, path, "expected \(what), got \(describe(node))")
            return nil
        }
        return scalar.string
    }

    mutating func name(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path, what: "a name") else { return nil }
        guard !text.isEmpty, text.count <= 128, text.allSatisfy(\.isSafeNameCharacter), text.first != "-" else {
            error(node, path, "expected a name of letters, digits, '-', '_' and '.', got '\(text)'")
            return nil
        }
        return text
    }

    mutating func int(_ node: Node, _ path: String, in range: ClosedRange<Int>, what: String) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string.trimmingWhitespace()),
              range.contains(value)
        else {
            error(node, path, "expected \(what), got \(describe(node))")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ path: String) -> Bool? {
        if case .scalar(let scalar) = node {
            switch scalar.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        error(node, path, "expected true or false, got \(describe(node))")
        return nil
    }

    mutating func duration(_ node: Node, _ path: String, positive: Bool = true) -> Duration? {
        guard case .scalar(let scalar) = node, let value = DurationParser.parse(scalar.string),
              !positive || value > .zero
        else {
            error(node, path, "expected a duration such as 500ms, 3s or 2m\(positive ? " (greater than 0)" : ""), got \(describe(node))")
            return nil
        }
        return value
    }

    /// A positive duration within `range` (``InputLimits/Durations``).
    mutating func duration(_ node: Node, _ path: String, within range: ClosedRange<Duration>) -> Duration? {
        guard let value = duration(node, path) else { return nil }
        guard range.contains(value) else {
            error(node, path, "expected a duration from \(DurationParser.format(range.lowerBound)) to \(DurationParser.format(range.upperBound)), got \(describe(node))")
            return nil
        }
        return value
    }

    mutating func score(_ node: Node, _ path: String) -> Score? {
        guard case .scalar(let scalar) = node, let value = Score.parse(scalar.string) else {
            error(node, path, "expected a score (an integer, INFINITY or -INFINITY), got \(describe(node))")
            return nil
        }
        return value
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _ type: E.Type) -> E?
    where E.RawValue == String {
        let options = E.allCases.map(\.rawValue)
        guard case .scalar(let scalar) = node, let value = E(rawValue: scalar.string) else {
            error(node, path, "expected one of \(options.joined(separator: ", ")), got \(describe(node))")
            return nil
        }
        return value
    }

    mutating func stringList(_ node: Node, _ path: String, nonEmpty: Bool) -> [String]? {
        guard let items = sequence(node, path) else { return nil }
        if nonEmpty && items.isEmpty {
            error(node, path, "expected a non-empty list")
            return nil
        }
        var result: [String] = []
        var ok = true
        for item in items {
            if let text = string(item.node, item.path) { result.append(text) } else { ok = false }
        }
        return ok ? result : nil
    }

    mutating func stringMap(_ node: Node, _ path: String) -> [String: String]? {
        record(node, path)
        guard case .mapping(let mapping) = node else {
            error(node, path, "expected a mapping of names to values, got \(describe(node))")
            return nil
        }
        var result: [String: String] = [:]
        var ok = true
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                error(keyNode, path, "expected a plain key")
                ok = false
                continue
            }
            if result[key.string] != nil {
                error(keyNode, "\(path).\(key.string)", "duplicate key '\(key.string)'")
                ok = false
            }
            if let text = string(value, "\(path).\(key.string)", what: "a scalar value") {
                result[key.string] = text
            } else {
                ok = false
            }
        }
        return ok ? result : nil
    }

    mutating func paramValue(_ node: Node, _ path: String) -> ParamValue? {
        switch node {
        case .scalar(let scalar):
            return .scalar(Self.isNull(scalar) ? "" : scalar.string)
        case .sequence(let sequence):
            var items: [ParamValue] = []
            for (index, item) in sequence.enumerated() {
                guard let value = paramValue(item, "\(path)[\(index)]") else { return nil }
                items.append(value)
            }
            return .list(items)
        case .mapping(let mapping):
            var entries: [String: ParamValue] = [:]
            for (keyNode, item) in mapping {
                guard case .scalar(let key) = keyNode else {
                    error(keyNode, path, "expected a plain key")
                    return nil
                }
                guard let value = paramValue(item, "\(path).\(key.string)") else { return nil }
                entries[key.string] = value
            }
            return .map(entries)
        case .alias:
            error(node, path, "aliases are not supported")
            return nil
        }
    }

    // MARK: Helpers

    static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if Self.isNull(scalar) { return "nothing" }
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            return "'\(text)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The allowed key closest to `key` within edit distance 2, if any.
    static func closest(to key: String, in allowed: [String]) -> String? {
        var best: (String, Int)?
        for candidate in allowed {
            let distance = editDistance(key, candidate)
            if distance <= 2, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        return best?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension YAMLReader {
    /// Composes `text` into a node tree, reporting a syntax error with its position. A
    /// document over ``InputLimits/documentBytes``, or one whose aliases expand beyond
    /// ``InputLimits/expandedNodes``, is refused before any tree is built.
    mutating func compose(_ text: String) -> Node? {
        let size = text.utf8.count
        guard size <= InputLimits.documentBytes else {
            diagnostics.append(Diagnostic(
                file: file, line: 0, column: 0, path: "",
                message: "the document is \(size) bytes; at most \(InputLimits.documentBytes) (4 MiB) are accepted"))
            return nil
        }
        if let excess = YAMLExpansion.firstExcess(in: text, limit: InputLimits.expandedNodes) {
            diagnostics.append(Diagnostic(
                file: file, line: excess.line, column: excess.column, path: "",
                message: "the document expands to more than \(InputLimits.expandedNodes) nodes here (nested aliases?); "
                    + "write the values out or use fewer aliases"))
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                error(nil, "", "the file is empty")
                return nil
            }
            return node
        } catch let yamlError as YamlError {
            switch yamlError {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                 .composer(_, let problem, let mark, _):
                diagnostics.append(Diagnostic(file: file, line: mark.line, column: mark.column, path: "",
                                              message: "YAML syntax: \(problem)"))
            case .duplicatedKeysInMapping(let duplicates, let context):
                diagnostics.append(Diagnostic(file: file, line: context.mark.line, column: context.mark.column,
                                              path: "", message: "duplicate key '\(duplicates.joined(separator: "', '"))'"))
            default:
                diagnostics.append(Diagnostic(file: file, line: 0, column: 0, path: "", message: "YAML: \(yamlError)"))
            }
            return nil
        } catch {
            diagnostics.append(Diagnostic(file: file, line: 0, column: 0, path: "", message: "YAML: \(error)"))
            return nil
        }
    }
}
