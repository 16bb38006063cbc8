import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// The iteration state of an ``EtcdStore`` watch: the open stream (if any), the bytes of
/// an incomplete line, and the next revision to ask for when reconnecting.
struct EtcdWatchCursor {
    let store: EtcdStore
    let prefix: String
    let previousValues: Bool
    var nextRevision: Int64
    var body: HTTPClientResponse.Body.AsyncIterator?
    /// The endpoint the open stream is attached to.
    var connectedIndex: Int?
    var buffer: [UInt8] = []
    var failingSince: ContinuousClock.Instant?
    /// When the current (or last) stream was opened, to pace reconnections.
    var openedAt: ContinuousClock.Instant?
    /// Whether the watch already re-authenticated after etcd rejected its token; reset
    /// once etcd accepts a watch.
    var retriedWithNewToken = false

    init(_ request: EtcdWatchRequest) {
        self.store = request.store
        self.prefix = request.prefix
        self.previousValues = request.previousValues
        self.nextRevision = request.fromRevision
    }

    mutating func next() async throws -> WatchUpdate? {
        while !Task.isCancelled {
            guard var iterator = body else {
                guard try await connect() else { return nil }
                continue
            }
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if let update = try handle(line) { return update }
                continue
            }
            do {
                guard let chunk = try await iterator.next() else {
                    disconnect("the watch stream ended")
                    continue
                }
                body = iterator
                buffer.append(contentsOf: chunk.readableBytesView)
            } catch let error as HTTPClientError where error == .readTimeout {
                // Nothing arrived — not even a progress notification — for the watch idle
                // timeout: the member may be silent (stopped, its host dead). Resume on the
                // next endpoint from the last revision; nothing is missed.
                let silent = connectedIndex
                disconnect("silent for \(store.configuration.watchIdleTimeout)")
                if let silent { store.rotate(from: silent, reason: "watch stream silent for \(store.configuration.watchIdleTimeout)") }
            } catch {
                if Task.isCancelled { return nil }
                disconnect("\(error)")
            }
        }
        return nil
    }

    /// Handles one line; returns an update to deliver, if any.
    mutating func handle(_ line: [UInt8]) throws -> WatchUpdate? {
        guard !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else { return nil }
        let message: EtcdWire.StreamLine<EtcdWire.WatchResponse>
        do {
            message = try JSONDecoder().decode(EtcdWire.StreamLine<EtcdWire.WatchResponse>.self, from: Data(line))
        } catch {
            disconnect("undecodable watch message")
            return nil
        }
        if let error = message.error {
            let text = error.message ?? error.error ?? "watch error"
            if EtcdStore.isBadTokenMessage(text) { store.invalidateToken() }
            if text.contains("permission denied") {
                throw VigilStoreError(.auth, "etcd refused the watch on \(prefix): \(text)")
            }
            disconnect(text)
            return nil
        }
        guard let result = message.result else { return nil }
        if let compacted = result.compact_revision?.value, compacted > 0 {
            body = nil
            return .compacted(compactRevision: compacted)
        }
        if result.canceled == true {
            // etcd 3.4 answers `created` and `canceled` together when it refuses a watch.
            let reason = result.cancel_reason ?? "canceled by etcd"
            if EtcdStore.isBadTokenMessage(reason), store.configuration.credentials != nil, !retriedWithNewToken {
                // The token expired: authenticate again and reopen, once.
                retriedWithNewToken = true
                store.invalidateToken()
                disconnect(reason)
                return nil
            }
            body = nil
            if reason.contains("permission denied") || reason.contains("auth") || reason.contains("Unauthenticated") {
                throw VigilStoreError(.auth, "etcd refused the watch on \(prefix): \(reason)")
            }
            throw VigilStoreError(.invalidResponse, "etcd canceled the watch on \(prefix): \(reason)")
        }
        let headerRevision = result.header?.revision?.value ?? 0
        if result.created == true {
            retriedWithNewToken = false
            if nextRevision == 0 { nextRevision = headerRevision + 1 }
        }
        guard let wireEvents = result.events, !wireEvents.isEmpty else { return nil }
        var events: [WatchEvent] = []
        events.reserveCapacity(wireEvents.count)
        for wire in wireEvents {
            guard let kv = wire.kv else { continue }
            let keyValue = try EtcdWire.keyValue(kv)
            let kind: WatchEvent.Kind = wire.type == "DELETE" ? .delete : .put
            events.append(WatchEvent(kind: kind, kv: keyValue, prevKV: try wire.prev_kv.map(EtcdWire.keyValue)))
            nextRevision = max(nextRevision, keyValue.modRevision + 1)
        }
        return .events(events, revision: max(headerRevision, nextRevision - 1))
    }

    mutating func disconnect(_ reason: String, quietly: Bool = false) {
        if body != nil {
            store.logger.log(
                level: quietly ? .debug : .warning, "etcd watch interrupted, resuming",
                metadata: ["prefix": "\(prefix)", "next-revision": "\(nextRevision)", "reason": "\(reason)"])
        }
        body = nil
        buffer.removeAll()
    }

    /// Opens the watch on the current endpoint, rotating and backing off until it works,
    /// the task is cancelled (false) or the retry timeout passes (throws).
    mutating func connect() async throws -> Bool {
        // A stream that ends right after opening must not make the watch spin.
        if let openedAt, ContinuousClock.now - openedAt < .milliseconds(100) {
            do {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                return false
            }
        }
        let start = failingSince ?? ContinuousClock.now
        while !Task.isCancelled {
            let index = store.currentIndex()
            do {
                let response = try await store.openWatch(prefix: prefix, from: nextRevision, endpointIndex: index, previousValues: previousValues)
                body = response.makeAsyncIterator()
                connectedIndex = index
                openedAt = ContinuousClock.now
                failingSince = nil
                return true
            } catch is CancellationError {
                return false
            } catch let error as VigilStoreError where error.code == .auth || error.code == .invalidArgument {
                throw error
            } catch {
                failingSince = start
                store.rotate(from: index, reason: "\(error)")
                if ContinuousClock.now - start > store.configuration.watchRetryTimeout {
                    throw VigilStoreError(.unavailable, "no etcd endpoint accepted the watch on \(prefix)", cause: error)
                }
                do {
                    try await Task.sleep(for: .milliseconds(100))
                } catch {
                    return false
                }
            }
        }
        return false
    }
}
