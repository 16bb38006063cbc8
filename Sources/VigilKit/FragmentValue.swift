/// A value in a typed fragment: what a YAML configuration holds (a string, a number, a
/// boolean, a list, a mapping).
public indirect enum FragmentValue: Sendable, Hashable, Encodable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// Text.
    case string(String)
    /// A whole number.
    case int(Int)
    /// A boolean.
    case bool(Bool)
    /// A list.
    case list([FragmentValue])
    /// A mapping.
    case map([String: FragmentValue])

    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A list literal.
    public init(arrayLiteral elements: FragmentValue...) { self = .list(elements) }
    /// A mapping literal.
    public init(dictionaryLiteral elements: (String, FragmentValue)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { $1 }))
    }

    /// Encodes the value itself (no wrapper).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .map(let value): try container.encode(value)
        }
    }
}
