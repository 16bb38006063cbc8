/// The iteration state of a ``MemoryStore`` watch: the next revision to deliver.
struct MemoryWatchCursor: Sendable {
    let store: MemoryStore
    let prefix: String
    var nextRevision: Int64

    mutating func next() async throws -> WatchUpdate? {
        while !Task.isCancelled {
            let waiter = WatchWaiter()
            let poll = await store.pollWatch(prefix: prefix, from: nextRevision, waiter: waiter)
            nextRevision = poll.nextRevision
            if let update = poll.update { return update }
            await waiter.wait()
        }
        return nil
    }
}
