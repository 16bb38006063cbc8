public import VigilCluster
import VigilStore

/// The cluster's status now and after every change that changes it (``Vigil/watchStatus()``).
/// Ends only when the iterating task is cancelled (it then throws `CancellationError`) or
/// the store fails for longer than its retries.
public struct StatusUpdates: AsyncSequence, Sendable {
    /// The element type.
    public typealias Element = ClusterStatus

    let keyspace: Keyspace
    let updates: KeyspaceUpdates

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(keyspace: keyspace, cursor: updates.cursor())
    }

    /// Iterates the updates.
    public struct Iterator: AsyncIteratorProtocol {
        let keyspace: Keyspace
        var cursor: KeyspaceUpdates.Cursor
        var view: ClusterView?
        var last: ClusterStatus?

        /// The next status that differs from the last one yielded.
        public mutating func next() async throws -> ClusterStatus? {
            while true {
                switch try await cursor.next() {
                case .read(let range):
                    view = ClusterView(keyspace: keyspace, range: range)
                case .events(let events, let revision):
                    guard var current = view, current.apply(events, revision: revision) else { continue }
                    view = current
                }
                guard let view else { continue }
                let status = ClusterStatus(view: view)
                if status != last {
                    last = status
                    return status
                }
            }
        }
    }
}
