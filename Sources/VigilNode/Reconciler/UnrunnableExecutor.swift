import VigilCluster
import VigilAgents

/// The executor of a resource whose real executor cannot be built on this host (an agent
/// kind with no executor yet, such as `galera` or `rabbitmq`, or parameters the executor
/// refuses). Every action but `stop` answers `notInstalled` with the reason, so the
/// reconciler reports the resource `failed` with an event naming why (and a start bans the
/// node), instead of leaving it out in silence; `stop` succeeds, as nothing can have been
/// started through it.
struct UnrunnableExecutor: ResourceExecutor {
    /// Why the resource cannot run here.
    let reason: String

    func perform(_ request: ActionRequest) async -> ActionResult {
        if request.action == .stop { return ActionResult(code: .success, output: "nothing to stop: \(reason)") }
        return ActionResult(code: .notInstalled, output: reason)
    }
}
