import VigilModel

/// YAML text built line by line: scalars are JSON strings (valid YAML, no surprises with
/// `yes`, `1e3` or `:`), maps are flow maps.
struct YAMLLines {
    private(set) var lines: [String] = []

    mutating func add(_ line: String) { lines.append(line) }

    /// A scalar, quoted.
    static func scalar(_ text: String) -> String { JSONText.string(text) }

    /// `{key: value, …}` with keys in order.
    static func map(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\(scalar($0.0)): \(scalar($0.1))" }.joined(separator: ", ") + "}"
    }

    /// `[a, b]`.
    static func list(_ items: [String]) -> String {
        "[" + items.map(scalar).joined(separator: ", ") + "]"
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}
