import Foundation
import Synchronization

/// Runs a blocking C call on a thread of its own, never on Swift's cooperative pool.
///
/// The awaiting task resumes when the call returns or as soon as it is cancelled
/// (then the thread finishes in the background, bounded by the library's own socket
/// timeouts, and its result is dropped). A hung server therefore ties up one thread,
/// never a cooperative-pool thread and never another probe.
enum BlockingCall {
    private final class Slot<Value: Sendable>: Sendable {
        private struct State {
            var done = false
            var continuation: CheckedContinuation<Value?, Never>?
        }

        private let state = Mutex(State())

        /// Registers the waiter; returns false if already finished (cancelled).
        func wait(_ continuation: CheckedContinuation<Value?, Never>) -> Bool {
            state.withLock { state in
                if state.done { return false }
                state.continuation = continuation
                return true
            }
        }

        func finish(_ value: Value?) {
            let continuation: CheckedContinuation<Value?, Never>? = state.withLock { state in
                if state.done { return nil }
                state.done = true
                let continuation = state.continuation
                state.continuation = nil
                return continuation
            }
            continuation?.resume(returning: value)
        }
    }

    /// Runs `body` on a new thread; `nil` if the task was cancelled first.
    static func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value? {
        let slot = Slot<Value>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                guard slot.wait(continuation) else {
                    continuation.resume(returning: nil)
                    return
                }
                let thread = Thread { slot.finish(body()) }
                thread.name = "vigil-probe"
                thread.stackSize = 512 * 1024
                thread.start()
            }
        } onCancel: {
            slot.finish(nil)
        }
    }
}
