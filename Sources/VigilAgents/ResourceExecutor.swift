/// Something that can start, stop, monitor (and so on) one resource on this host.
///
/// Every action is bounded by the request's timeout and reports an OCF code; executors
/// never throw for an action's failure.
public protocol ResourceExecutor: Sendable {
    /// Performs `request.action`. Actions the executor does not support answer
    /// `.unimplemented`.
    func perform(_ request: ActionRequest) async -> ActionResult
}
