import VigilAgents
import VigilModel
import VigilNode
import VigilCluster

/// A fake resource: start and stop take a seeded random number of test-clock
/// milliseconds (bounded by the request's timeout, as a real executor kills what overruns)
/// and are recorded in the ``SimLedger``; monitor answers from the ledger. A stop the
/// ledger marks stuck fails at once or hangs until its timeout, and the resource runs on
/// (there is no cgroup to escalate to in the simulation: the watchdog or a fence must).
///
/// A start counts as active from the moment it begins. When it completes it counts as
/// active again unless a stop completed meanwhile — i.e. a stop that overlaps a start
/// and finishes first does not stop what the start brings up afterwards (the
/// conservative reading of a real agent racing its own stop).
struct SimExecutor: ResourceExecutor {
    let resource: String
    let node: String
    let epoch: Int
    let ledger: SimLedger
    let clock: TestClock

    func perform(_ request: ActionRequest) async -> ActionResult {
        switch request.action {
        case .start:
            let stopsBefore = ledger.stopCount(resource, on: node)
            ledger.beginStart(resource, on: node, epoch: epoch)
            do {
                try await clock.sleep(for: min(ledger.duration(forStartOf: resource), request.timeout))
            } catch {
                // Cancelled: it may or may not have come up; it stays active until stopped.
                return ActionResult(code: .genericError, output: "cancelled")
            }
            if ledger.stopCount(resource, on: node) == stopsBefore {
                ledger.markActive(resource, on: node, epoch: epoch)
            }
            return ActionResult(code: .success)
        case .stop:
            switch ledger.takeStuckStop(resource) {
            case .fail?:
                return ActionResult(code: .genericError, output: "stop failed (simulated)")
            case .hang?:
                // Hangs until the caller's timeout cuts it off; the resource runs on.
                try? await clock.sleep(for: request.timeout)
                return ActionResult(code: .genericError, output: "stop timed out (simulated)", timedOut: true)
            case nil:
                break
            }
            ledger.beginStop(resource, on: node, epoch: epoch)
            do {
                try await clock.sleep(for: min(ledger.duration(forStartOf: nil), request.timeout))
            } catch {
                return ActionResult(code: .genericError, output: "cancelled")
            }
            ledger.markStopped(resource, on: node, epoch: epoch)
            return ActionResult(code: .success)
        case .monitor:
            return ActionResult(code: ledger.isActive(resource, on: node, epoch: epoch) ? .success : .notRunning)
        case .notify:
            // A clone notification takes a little time (the agents' notify actions run
            // between the coordinator's stages, interleaved with the faults).
            do {
                try await clock.sleep(for: .milliseconds(30))
            } catch {
                return ActionResult(code: .genericError, output: "cancelled")
            }
            return ActionResult(code: .success)
        default:
            return ActionResult(code: .unimplemented)
        }
    }
}

/// Makes ``SimExecutor``s for one simulated host incarnation.
struct SimResourceFactory: ResourceHandleFactory {
    let node: String
    let epoch: Int
    let ledger: SimLedger
    let clock: TestClock

    func handle(for resource: ResourceConfig, in config: ClusterConfig) throws(VigilClusterError) -> ResourceHandle {
        ResourceHandle(executor: SimExecutor(resource: resource.name, node: node, epoch: epoch, ledger: ledger, clock: clock))
    }
}
