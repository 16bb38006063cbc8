/// What a stopped RabbitMQ node's data says about its cluster.
public struct RabbitMQLocalData: Sendable, Hashable {
    /// Whether the data directory holds a node's database.
    public var initialised: Bool
    /// The cluster's members as this node last knew them (itself included; empty when
    /// not initialised).
    public var members: [String]
    /// The nodes running when this node stopped (itself included): only itself means it
    /// stopped last.
    public var runningAtShutdown: [String]

    /// Creates a description.
    public init(initialised: Bool, members: [String] = [], runningAtShutdown: [String] = []) {
        self.initialised = initialised
        self.members = members
        self.runningAtShutdown = runningAtShutdown
    }

    /// No data: a fresh node.
    public static let empty = RabbitMQLocalData(initialised: false)
}
