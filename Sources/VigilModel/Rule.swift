/// A location rule on node attributes: `ATTR OP VALUE`, `defined ATTR`,
/// `not_defined ATTR`, joined by `and` or by `or` (not mixed).
public struct Rule: Sendable, Hashable, CustomStringConvertible {
    /// How expressions combine.
    public enum Join: String, Sendable, Hashable {
        /// All must hold.
        case and
        /// One must hold.
        case or
    }

    /// A comparison operator.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        /// Equal (case-insensitive).
        case eq
        /// Not equal (case-insensitive); true when the attribute is undefined.
        case ne
        /// Less than (numeric when both sides are numbers).
        case lt
        /// Greater than.
        case gt
        /// Less than or equal.
        case lte
        /// Greater than or equal.
        case gte
    }

    /// One term of a rule.
    public enum Expression: Sendable, Hashable {
        /// `ATTR OP VALUE`.
        case compare(attribute: String, op: Operator, value: String)
        /// `defined ATTR`.
        case defined(String)
        /// `not_defined ATTR`.
        case notDefined(String)
    }

    /// How the expressions combine.
    public var join: Join
    /// The expressions, at least one.
    public var expressions: [Expression]
    /// The rule as written.
    public var description: String

    /// Parses a rule; the error message says what was expected.
    public static func parse(_ text: String) -> Result<Rule, RuleParseError> {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { return .failure(RuleParseError(message: "an empty rule")) }
        var expressions: [Expression] = []
        var join: Join?
        var index = 0
        while true {
            guard index < words.count else {
                return .failure(RuleParseError(message: "an expression after '\(words[index - 1])'"))
            }
            switch words[index] {
            case "defined", "not_defined":
                guard index + 1 < words.count else {
                    return .failure(RuleParseError(message: "an attribute name after '\(words[index])'"))
                }
                let attribute = words[index + 1]
                expressions.append(words[index] == "defined" ? .defined(attribute) : .notDefined(attribute))
                index += 2
            default:
                guard index + 2 < words.count else {
                    return .failure(RuleParseError(
                        message: "'ATTR OP VALUE', 'defined ATTR' or 'not_defined ATTR' at '\(words[index...].joined(separator: " "))'"))
                }
                guard let op = Operator(rawValue: words[index + 1]) else {
                    return .failure(RuleParseError(
                        message: "an operator (eq, ne, lt, gt, lte, gte) instead of '\(words[index + 1])'"))
                }
                expressions.append(.compare(attribute: words[index], op: op, value: words[index + 2]))
                index += 3
            }
            if index == words.count { break }
            guard let next = Join(rawValue: words[index]) else {
                return .failure(RuleParseError(message: "'and' or 'or' instead of '\(words[index])'"))
            }
            if let join, join != next {
                return .failure(RuleParseError(message: "one of 'and' or 'or' throughout, not both (group them in separate constraints)"))
            }
            join = next
            index += 1
        }
        return .success(Rule(join: join ?? .and, expressions: expressions, description: words.joined(separator: " ")))
    }

    /// Whether `node` matches.
    public func matches(_ node: NodeConfig) -> Bool {
        matches { node.attribute($0) }
    }

    /// Evaluates the rule with `value` giving each attribute's value on the node (nil:
    /// undefined).
    public func matches(_ value: (String) -> String?) -> Bool {
        switch join {
        case .and: expressions.allSatisfy { $0.matches(value) }
        case .or: expressions.contains { $0.matches(value) }
        }
    }

    /// The attributes the rule reads (`#uname` included when used).
    public var attributes: Set<String> {
        Set(expressions.map { expression in
            switch expression {
            case .compare(let attribute, _, _), .defined(let attribute), .notDefined(let attribute): attribute
            }
        })
    }
}

/// Why a rule did not parse.
public struct RuleParseError: Error, Sendable, Hashable {
    /// What was expected.
    public var message: String
}

extension Rule.Expression {
    /// Evaluates the expression on a node (Pacemaker semantics: `eq`/`ne` compare
    /// case-insensitively; numbers compare as numbers; an undefined attribute makes `ne`
    /// true and every other comparison false).
    public func matches(_ node: NodeConfig) -> Bool {
        matches { node.attribute($0) }
    }

    /// Evaluates the expression with `lookup` giving each attribute's value (nil: undefined).
    public func matches(_ lookup: (String) -> String?) -> Bool {
        switch self {
        case .defined(let attribute): return lookup(attribute) != nil
        case .notDefined(let attribute): return lookup(attribute) == nil
        case .compare(let attribute, let op, let value):
            guard let actual = lookup(attribute) else { return op == .ne }
            switch op {
            case .eq: return actual.lowercased() == value.lowercased()
            case .ne: return actual.lowercased() != value.lowercased()
            case .lt, .gt, .lte, .gte:
                let order: Int
                if let a = Double(actual), let b = Double(value) {
                    order = a < b ? -1 : (a > b ? 1 : 0)
                } else {
                    order = actual < value ? -1 : (actual > value ? 1 : 0)
                }
                switch op {
                case .lt: return order < 0
                case .gt: return order > 0
                case .lte: return order <= 0
                default: return order >= 0
                }
            }
        }
    }
}
