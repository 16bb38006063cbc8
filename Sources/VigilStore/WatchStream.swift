/// The updates of one watch, as an `AsyncSequence`.
///
/// The watch is established when iteration starts and its work runs in the iterating
/// task (no background tasks): cancel that task to stop watching. Every change from the
/// start revision is delivered once, in revision order, across reconnects; if the start
/// revision (or the resume point after a reconnect) was compacted, the sequence yields
/// ``WatchUpdate/compacted(compactRevision:)`` and ends. It throws ``VigilStoreError``
/// when the store stays unreachable.
public struct WatchStream: AsyncSequence, Sendable {
    /// The element type.
    public typealias Element = WatchUpdate

    enum Source: Sendable {
        case etcd(EtcdWatchRequest)
        case memory(MemoryWatchCursor)
        case stream(AsyncThrowingStream<WatchUpdate, any Error>)
    }

    let source: Source

    init(_ source: Source) { self.source = source }

    /// Wraps a stream of updates (for test doubles of ``ClusterStore``).
    public init(_ stream: AsyncThrowingStream<WatchUpdate, any Error>) {
        self.source = .stream(stream)
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        switch source {
        case .etcd(let request): return Iterator(state: .etcd(EtcdWatchCursor(request)))
        case .memory(let cursor): return Iterator(state: .memory(cursor))
        case .stream(let stream): return Iterator(state: .stream(stream.makeAsyncIterator()))
        }
    }

    /// Iterates the updates of a watch.
    public struct Iterator: AsyncIteratorProtocol {
        enum State {
            case etcd(EtcdWatchCursor)
            case memory(MemoryWatchCursor)
            case stream(AsyncThrowingStream<WatchUpdate, any Error>.Iterator)
            case finished
        }

        var state: State

        /// The next update, nil when the watch ended (after `.compacted` or cancellation).
        public mutating func next() async throws -> WatchUpdate? {
            let update: WatchUpdate?
            switch state {
            case .etcd(var cursor):
                state = .finished
                update = try await cursor.next()
                state = .etcd(cursor)
            case .memory(var cursor):
                state = .finished
                update = try await cursor.next()
                state = .memory(cursor)
            case .stream(var iterator):
                state = .finished
                update = try await iterator.next()
                state = .stream(iterator)
            case .finished:
                return nil
            }
            switch update {
            case .none, .compacted: state = .finished
            case .events: break
            }
            return update
        }
    }
}
