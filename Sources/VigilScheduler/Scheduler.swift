public import VigilModel

/// Vigil's policy engine: a pure, deterministic function from configuration and state
/// to a transition. No I/O, no clock reads (`now` comes in the state).
///
/// Semantics: docs/scheduler.md (Pacemaker 2.1 where Pacemaker has one).
public enum Scheduler {
    /// Plans the transition from `state` to where `config` says resources should run.
    public static func plan(config: ClusterConfig, state: ClusterState) -> Transition {
        let run = SchedulerRun(config: config, state: state)
        return run.plan()
    }

    /// Plans as ``plan(config:state:)`` does, recording why each resource is placed where
    /// it is (`vigil explain`): the same run, with its reasoning kept.
    public static func explain(config: ClusterConfig, state: ClusterState) -> (Transition, [String: Explanation]) {
        let run = SchedulerRun(config: config, state: state, explaining: true)
        let transition = run.plan()
        return (transition, run.explanations(for: transition))
    }
}
