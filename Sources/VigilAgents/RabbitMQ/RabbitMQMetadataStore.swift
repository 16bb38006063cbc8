/// The version-specific part of running a RabbitMQ node: how its cluster metadata is kept
/// on disk and what a node needs to boot when its peers are gone. RabbitMQ 3.x keeps it
/// in Mnesia (``RabbitMQMnesiaStore``); a Khepri-based 4.x is another conformance, chosen
/// in ``RabbitMQExecutor/init(spec:store:logger:)``, not a rewrite of the kind.
public protocol RabbitMQMetadataStore: Sendable {
    /// What the stopped node's data says (nil when it cannot be read).
    func localData(_ spec: RabbitMQSpec) -> RabbitMQLocalData?
    /// Makes the stopped node boot without waiting for the peers it last saw.
    func prepareForceBoot(_ spec: RabbitMQSpec, cli: RabbitMQCLI) async -> Result<Void, AgentsError>
    /// Whether a line of the server's log says it waits for its peers' metadata.
    func isWaitingForPeers(logLine: String) -> Bool
}
