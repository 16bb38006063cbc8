import VigilCluster

/// The rule for names that become one segment of a store key (a leadership, a group, a
/// member, a resource, a report's node) — the cluster client's own rule
/// (`ClusterClient.validateSegment`: 1–253 letters, digits, `.`, `_`, `-`, `:`, `@`), so
/// VigilKit and the HTTP API accept the same names; reported as VigilKit's error.
enum KeyName {
    static func validate(_ name: String, what: String) throws {
        do {
            try ClusterClient.validateSegment(name, what: what)
        } catch let error as VigilClusterError {
            throw VigilKitError(.invalidArgument, error.message)
        }
    }
}
