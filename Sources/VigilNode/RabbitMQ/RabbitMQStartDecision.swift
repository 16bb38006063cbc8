import VigilCluster
public import VigilAgents

/// What a stopped RabbitMQ node assigned to start does now.
public enum RabbitMQStartDecision: Sendable, Hashable {
    /// Start, this way.
    case start(RabbitMQStartMode)
    /// Wait for the cluster; why.
    case wait(String)
}
