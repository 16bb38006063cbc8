import Testing

@testable import VigilStore

@Suite("RequestGate")
struct RequestGateTests {
    actor Tracker {
        var now = 0
        var peak = 0
        var done = 0
        func enter() {
            now += 1
            peak = max(peak, now)
        }
        func leave() {
            now -= 1
            done += 1
        }
    }

    /// Never more than `limit` bodies at once, every body runs, and waiters go in order.
    @Test(arguments: [1, 3, 16])
    func boundsConcurrency(limit: Int) async throws {
        let gate = RequestGate(limit: limit)
        let tracker = Tracker()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await gate.withPermit {
                        await tracker.enter()
                        // Stay inside until a second holder is in too (bounded: a gate that
                        // lets only one through leaves the peak at 1 and the test fails),
                        // so a busy machine that runs the tasks one by one proves nothing wrong.
                        for _ in 0..<10_000 where limit > 1 {
                            if await tracker.now >= 2 { break }
                            await Task.yield()
                        }
                        await tracker.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await tracker.done == 200)
        #expect(await tracker.peak <= limit)
        let peak = await tracker.peak
        #expect(limit == 1 || peak > 1, "the gate lets more than one through")
        #expect(await tracker.now == 0)
        #expect(gate.waiting == 0)
    }

    /// A waiter whose task is cancelled leaves the queue with CancellationError and does not
    /// take a place; the holder's release still lets the next one through.
    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let gate = RequestGate(limit: 1)
        let (release, released) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await gate.withPermit {
                for await _ in release { break }
            }
        }
        // Wait (by polling the gate, not by sleeping a fixed time) until the holder has the place.
        let waiter = Task { try await gate.withPermit { 1 } }
        while gate.waiting == 0 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(gate.waiting == 0)
        released.yield()
        try await holder.value
        #expect(try await gate.withPermit { 2 } == 2)
    }
}
