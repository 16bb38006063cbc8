import Testing
import VigilAgents
@testable import VigilNode
@testable import VigilCluster

/// The resource lifecycle's rules over their whole input space (no processes, no store).
@Suite("Resource lifecycle")
struct ResourceLifecycleTests {
    static let states: [ResourceStatusState?] = [nil] + ResourceStatusState.allCases.map { $0 }
    static let roles: [AssignedRole?] = [nil] + AssignedRole.allCases.map { $0 }
    static let operations: [LocalOperation] = [.probe, .start, .stop, .promote, .demote]
    static let codes = OCFCode.allCases

    /// Every combination of state × stale × member × assignment × promotable × retry.
    @Test func theNextOperationOverEveryCombination() {
        var checked = 0
        for state in Self.states {
            for stale in [false, true] {
                for member in [false, true] {
                    for role in Self.roles {
                        for promotable in [false, true] {
                            for retryPending in [false, true] {
                                let situation = ResourceLifecycle.Situation(
                                    state: state, stale: stale, member: member, assigned: role, promotable: promotable,
                                    retryAfter: retryPending ? .seconds(10) : .seconds(1), now: .seconds(5))
                                let next = ResourceLifecycle.next(situation)
                                checked += 1
                                guard let state else {
                                    #expect(next == .probe, "an unprobed resource is probed first: \(situation)")
                                    continue
                                }
                                #expect(next != .probe, "a probed resource is never probed again")
                                if !member {
                                    #expect(next == nil, "without a member identity nothing is done: \(situation)")
                                    continue
                                }
                                if stale && state.isActive {
                                    #expect(next == .stop, "a stale running resource is stopped first: \(situation)")
                                    continue
                                }
                                guard let role else {
                                    #expect(next == nil, "no entry, no action: \(situation)")
                                    continue
                                }
                                // Never a start while anything may still run here, never a
                                // promotion of a non-promotable, never a demote of one.
                                if next == .start { #expect(state == .stopped && role != .stopped) }
                                if next == .promote { #expect(promotable && role == .promoted) }
                                if next == .demote { #expect(promotable && role == .started && state == .promoted) }
                                if role == .stopped {
                                    if state == .stopped {
                                        #expect(next == nil)
                                    } else if state == .failed && retryPending {
                                        #expect(next == nil, "a failed stop waits for its retry time")
                                    } else {
                                        #expect(next == .stop, "assigned stopped: \(situation)")
                                    }
                                }
                                if state == .failed && role != .stopped {
                                    #expect(next == nil, "a failure waits for the coordinator's recovery: \(situation)")
                                }
                                if role == .started && state == .promoted && !promotable {
                                    #expect(next == .stop, "a non-promotable reported promoted is stopped, not demoted")
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(checked == Self.states.count * 2 * 2 * Self.roles.count * 2 * 2)
    }

    @Test func theStateShownWhileAnOperationRuns() {
        #expect(ResourceLifecycle.transient(during: .probe) == nil)
        #expect(ResourceLifecycle.transient(during: .start) == .starting)
        #expect(ResourceLifecycle.transient(during: .promote) == .starting)
        #expect(ResourceLifecycle.transient(during: .stop) == .stopping)
        #expect(ResourceLifecycle.transient(during: .demote) == .stopping)
    }

    /// Every operation × every answer × promotable.
    @Test func theOutcomeOfEveryOperationAndAnswer() {
        for operation in Self.operations {
            for code in Self.codes {
                for promotable in [false, true] {
                    let outcome = ResourceLifecycle.outcome(of: operation, code: code, promotable: promotable)
                    let context: Comment = "\(operation) → \(code) (promotable \(promotable))"
                    #expect(outcome.failed == (outcome.state == .failed), context)
                    #expect(!outcome.fatal || (operation == .start && outcome.failed), "only a failed start is fatal")
                    #expect(outcome.retryStop == (operation == .stop && outcome.failed), context)
                    switch operation {
                    case .probe:
                        let expected: ResourceStatusState =
                            switch code {
                            case .success: promotable ? .unpromoted : .started
                            case .runningPromoted: .promoted
                            case .notRunning: .stopped
                            default: .failed
                            }
                        #expect(outcome.state == expected, context)
                    case .start:
                        #expect(outcome.state == (code == .success ? (promotable ? .unpromoted : .started) : .failed), context)
                    case .stop:
                        // Only a confirmed stop (success) counts as stopped; anything else
                        // may still run.
                        #expect(outcome.state == (code == .success ? .stopped : .failed), context)
                    case .promote:
                        #expect(outcome.state == (code == .success ? .promoted : .failed), context)
                    case .demote:
                        #expect(outcome.state == (code == .success ? .unpromoted : .failed), context)
                    case .notify:
                        Issue.record("a notification has no outcome of its own (Reconciler+Notify)")
                    }
                }
            }
        }
    }

    @Test func leftoversAreKilledOnlyWhenTheAgentSaysNotRunningAndTheCgroupIsPopulated() {
        for code in Self.codes {
            for populated in [false, true] {
                #expect(
                    ResourceLifecycle.killsLeftovers(probe: code, cgroupPopulated: populated) == (code == .notRunning && populated))
            }
        }
    }

    @Test func aSelfFenceStopsWhatMayRunAndIsExclusiveOrEverything() {
        for active in [false, true] {
            for busy in [false, true] {
                for exclusive in [false, true] {
                    for everything in [false, true] {
                        let stopped = ResourceLifecycle.stoppedBySelfFence(
                            active: active, busy: busy, exclusive: exclusive, everything: everything)
                        #expect(stopped == ((active || busy) && (exclusive || everything)))
                    }
                }
            }
        }
        #expect(ResourceLifecycle.afterSelfFence(confirmed: true) == .stopped)
        #expect(ResourceLifecycle.afterSelfFence(confirmed: false) == .failed, "an unconfirmed stop may still run")
    }

    @Test func whatCameUpAfterAFenceIsStoppedAgain() {
        for member in [false, true] {
            for operation in Self.operations {
                for state in ResourceStatusState.allCases {
                    for exclusive in [false, true] {
                        let again = ResourceLifecycle.stopsAgain(member: member, after: operation, state: state, exclusive: exclusive)
                        #expect(again == (!member && operation != .probe && state.isActive && exclusive))
                    }
                }
            }
        }
        #expect(ResourceLifecycle.countsFailure(shuttingDown: false, fencedMeanwhile: false))
        #expect(!ResourceLifecycle.countsFailure(shuttingDown: true, fencedMeanwhile: false))
        #expect(!ResourceLifecycle.countsFailure(shuttingDown: false, fencedMeanwhile: true))
    }
}
