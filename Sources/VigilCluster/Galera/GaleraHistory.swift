import Foundation
public import VigilStore

/// What is kept of a Galera resource's past for `vigil status`: the latest bootstrap
/// choice, at `galera/<resource>/last-bootstrap`. The choice in force
/// (`galera/<resource>/bootstrap`) is deleted once a Primary component exists; this copy is
/// not, so status can say who was bootstrapped when.
public enum GaleraHistory {
    /// The put of `galera/<resource>/last-bootstrap` = `record`: add it to the transaction
    /// that puts the same record at `galera/<resource>/bootstrap`, so that the two are
    /// written together (at one mod revision) or not at all.
    public static func lastBootstrapOp(_ record: GaleraBootstrapRecord, resource: String, in keyspace: Keyspace) -> TxnOp {
        // Strings, integers and a boolean: encoding cannot fail.
        let value = (try? JSONCoding.encode(record)) ?? []
        return .put(key: keyspace.galeraLastBootstrap(resource), value: value, lease: nil)
    }

    /// The latest bootstrap choice of `resource` in `view`, with whether it is still in
    /// force: the choice in force when there is one (it is the latest: its copy is written
    /// with it, and a coordinator that writes no copy still has its choice seen), else the
    /// last-bootstrap copy.
    public static func latestBootstrap(
        of resource: String, in view: ClusterView
    ) -> (choice: GaleraBootstrapRecord, inForce: Bool)? {
        if let current = view.galeraBootstrap[resource] { return (current.record, true) }
        return view.galeraLastBootstrap[resource].map { ($0.record, false) }
    }
}
