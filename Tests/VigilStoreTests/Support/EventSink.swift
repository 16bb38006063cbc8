import VigilStore

/// Collects the events of a watch consumed in a child task, so a test can wait for a
/// number of them while it acts on the cluster.
actor EventSink {
    private(set) var events: [WatchEvent] = []
    private(set) var compactions: [Int64] = []
    private(set) var failure: (any Error)?

    var count: Int { events.count }

    /// Consumes `stream` until it ends, throws or the task is cancelled.
    func consume(_ stream: WatchStream) async {
        do {
            for try await update in stream {
                switch update {
                case .events(let batch, _): events += batch
                case .compacted(let revision): compactions.append(revision)
                }
            }
        } catch {
            failure = error
        }
    }
}
