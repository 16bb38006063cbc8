/// A free-form resource parameter value (`params:`), kept as YAML wrote it.
public indirect enum ParamValue: Sendable, Hashable, CustomStringConvertible {
    /// A scalar, as text.
    case scalar(String)
    /// A list.
    case list([ParamValue])
    /// A mapping.
    case map([String: ParamValue])

    /// The text of a scalar, nil otherwise.
    public var scalarText: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }

    /// A compact rendering, for messages.
    public var description: String {
        switch self {
        case .scalar(let text): text
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let entries):
            "{" + entries.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}
