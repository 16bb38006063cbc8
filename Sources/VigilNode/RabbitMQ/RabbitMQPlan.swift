public import VigilCluster
/// What the coordinator writes for one RabbitMQ resource.
public struct RabbitMQPlan: Sendable, Hashable {
    /// A new boot choice.
    public var boot: RabbitMQBootRecord?
    /// Delete the boot choice in force (an instance runs, or the chosen node left).
    public var deleteBoot = false

    /// Nothing to write.
    public var isEmpty: Bool { boot == nil && !deleteBoot }
}
