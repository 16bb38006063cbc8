/// A RabbitMQ policy Vigil applies once the cluster is formed (`params.policies[]`), as
/// `rabbitmqctl set_policy` takes it.
public struct RabbitMQPolicy: Sendable, Hashable {
    /// The policy's name.
    public var name: String
    /// The regular expression of the queue or exchange names it applies to.
    public var pattern: String
    /// The policy's keys and values (`{queue-mode: lazy, max-length: 1000}`), rendered as
    /// JSON: whole numbers and `true`/`false` as such, everything else as strings.
    public var definition: [String: ParamValue]
    /// `queues`, `exchanges` or `all`.
    public var applyTo: String
    /// Higher wins where several policies match.
    public var priority: Int

    /// Creates a policy.
    public init(name: String, pattern: String, definition: [String: ParamValue], applyTo: String = "all", priority: Int = 0) {
        self.name = name
        self.pattern = pattern
        self.definition = definition
        self.applyTo = applyTo
        self.priority = priority
    }

    /// The definition as the JSON text `set_policy` reads (keys sorted, so that the same
    /// policy always renders the same).
    public var definitionJSON: String {
        Self.json(.map(definition))
    }

    private static func json(_ value: ParamValue) -> String {
        switch value {
        case .scalar(let text):
            if Int(text) != nil || text == "true" || text == "false" { return text }
            return JSONText.string(text)
        case .list(let items):
            return "[" + items.map(json).joined(separator: ",") + "]"
        case .map(let entries):
            return "{" + entries.sorted { $0.key < $1.key }.map { JSONText.string($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }
}
