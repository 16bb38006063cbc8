extension ResourceConfig {
    /// The resource as far as a running instance is concerned: what it takes in only when it
    /// starts. Two definitions with the same `startDefinition` run the same way, and a change
    /// between them restarts nothing. RabbitMQ policies are applied to the running cluster by
    /// its first node (a changed list is applied again), so a change of policies alone is
    /// not a reason to restart every broker at once.
    public var startDefinition: ResourceConfig {
        var copy = self
        if case .rabbitmq(var params) = copy.params {
            params.policies = []
            copy.params = .rabbitmq(params)
        }
        return copy
    }
}
