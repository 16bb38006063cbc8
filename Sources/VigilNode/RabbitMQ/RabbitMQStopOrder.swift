public import VigilCluster
/// Which RabbitMQ nodes may have stopped last, from their records in etcd
/// (`rabbitmq/<resource>/nodes/<node>`), while none runs.
///
/// A record still saying `running` belongs to a node whose stop nobody recorded (its host
/// crashed or lost power): it may have stopped after any recorded stop, so every such node
/// is a candidate. Otherwise the node whose record changed last (the highest mod revision)
/// stopped last.
public enum RabbitMQStopOrder {
    /// The candidates for "stopped last" among `records` (node → record); nil when no node
    /// of the resource has a record (nothing is known).
    public static func lastStoppers(_ records: [String: ClusterView.Revisioned<RabbitMQNodeRecord>]) -> Set<String>? {
        guard !records.isEmpty else { return nil }
        let unrecorded = records.filter { $0.value.record.running }.map(\.key)
        if !unrecorded.isEmpty { return Set(unrecorded) }
        let clustered = records.filter { $0.value.record.initialised }
        guard let last = clustered.max(by: { ($0.value.modRevision, $1.key) < ($1.value.modRevision, $0.key) }) else { return nil }
        return [last.key]
    }
}
