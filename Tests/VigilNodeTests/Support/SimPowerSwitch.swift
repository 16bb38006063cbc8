import Synchronization
import VigilModel
import VigilNode
import VigilCluster

/// The simulation's fence device: "reboots" a simulated host — every process of its
/// current incarnation dies (``SimLedger/crash(epoch:)``) and so does its agent (its task
/// is cancelled) — after 200 ms of test-clock time.
final class SimPowerSwitch: NodeFencer {
    private struct Host {
        var epoch: Int
        var task: Task<Void, Never>?
    }

    private let ledger: SimLedger
    private let clock: TestClock
    private let hosts = Mutex<[String: Host]>([:])
    private let fenced = Mutex<[String]>([])

    init(ledger: SimLedger, clock: TestClock) {
        self.ledger = ledger
        self.clock = clock
    }

    /// The host `node` now runs incarnation `epoch`, whose agent runs as `task`.
    func plug(_ node: String, epoch: Int, task: Task<Void, Never>?) {
        hosts.withLock { $0[node] = Host(epoch: epoch, task: task) }
    }

    /// The nodes fenced since the last call (the driver marks their agents dead).
    func takeFenced() -> [String] {
        fenced.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    func fence(_ node: String, config: ClusterConfig) async -> NodeFenceOutcome {
        do { try await clock.sleep(for: .milliseconds(200)) } catch {
            return NodeFenceOutcome(succeeded: false, device: "sim", message: "cancelled")
        }
        guard let host = hosts.withLock({ $0[node] }) else {
            return NodeFenceOutcome(succeeded: false, device: "sim", message: "no such host \(node)")
        }
        ledger.crash(epoch: host.epoch)
        host.task?.cancel()
        fenced.withLock { $0.append(node) }
        return NodeFenceOutcome(succeeded: true, device: "sim", message: "reboot of \(node) by sim succeeded")
    }
}
