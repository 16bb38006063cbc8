import Synchronization

/// A task executor that runs nothing by itself: jobs wait in a queue until the simulation
/// driver calls ``runUntilIdle()``, which runs them one after the other on the driver's
/// thread, picking the next one at random with its own seeded generator — any order of
/// runnable jobs is one the global executor could have chosen, so different seeds explore
/// different interleavings, and one seed always the same.
///
/// Every task of a simulated cluster prefers this executor (`Task(executorPreference:)`,
/// inherited by child tasks; default actors run on their caller's preferred executor), so
/// the agents' code runs on one thread in an order fixed by the order of enqueues. With
/// the test clock as the only source of time and a seeded random generator as the only
/// source of chance, a seed then replays the same interleaving every time; and
/// ``runUntilIdle()`` returning is a real barrier: every agent is blocked on the clock or
/// the store.
final class SimTaskExecutor: TaskExecutor {
    private let queue = Mutex<[UnownedJob]>([])
    private let ran = Mutex(0)
    private let rng: Mutex<SplitMix64>

    init(seed: UInt64) {
        rng = Mutex(SplitMix64(seed: seed))
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.append(job) }
    }

    /// How many jobs have run so far (the simulation's step counter for traces).
    var jobsRun: Int { ran.withLock { $0 } }

    /// Runs queued jobs, and the jobs they enqueue, until none is left; returns how many ran.
    ///
    /// Must not be called from a job of this executor.
    @discardableResult
    func runUntilIdle() -> Int {
        var count = 0
        while let job = next() {
            job.runSynchronously(on: asUnownedTaskExecutor())
            count += 1
        }
        ran.withLock { $0 += count }
        return count
    }

    private func next() -> UnownedJob? {
        queue.withLock { queue in
            guard !queue.isEmpty else { return nil }
            let index = rng.withLock { Int.random(in: 0..<queue.count, using: &$0) }
            queue.swapAt(index, queue.count - 1)
            return queue.removeLast()
        }
    }
}
