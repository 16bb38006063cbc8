import VigilStore

/// Reads a prefix, then follows it: yields the keys after the read and after every
/// change, re-reading after a compaction or a broken watch. What ``StatusUpdates`` and
/// ``GroupUpdates`` are made of.
struct KeyspaceUpdates: Sendable {
    let store: any ClusterStore
    let prefix: String
    let excluding: String?

    /// Waits for the next batch: the first call reads; later ones return the next watch
    /// events (`nil` range: re-read).
    struct Cursor {
        let source: KeyspaceUpdates
        var watch: WatchStream.Iterator?

        enum Step {
            case read(RangeResult)
            case events([WatchEvent], revision: Int64)
        }

        mutating func next() async throws -> Step {
            if var iterator = watch {
                let update = try await iterator.next()
                watch = iterator
                if case .events(let events, let revision)? = update { return .events(events, revision: revision) }
                watch = nil
            }
            try Task.checkCancellation()
            let range = try await source.store.snapshot(.prefix(source.prefix), excluding: source.excluding.map { .prefix($0) })
            watch = source.store.watch(prefix: source.prefix, fromRevision: range.revision + 1, previousValues: false).makeAsyncIterator()
            return .read(range)
        }
    }

    func cursor() -> Cursor { Cursor(source: self) }
}
