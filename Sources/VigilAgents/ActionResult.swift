/// The outcome of an executor action.
public struct ActionResult: Sendable, Hashable {
    /// The OCF code.
    public var code: OCFCode
    /// What the agent printed (stdout and stderr, truncated to a limit), or for native
    /// executors a short explanation.
    public var output: String
    /// Whether the action was killed at its timeout.
    public var timedOut: Bool
    /// How long the action took.
    public var duration: Duration
    /// For promotable OCF agents: the promotion score the agent set during the action
    /// through `crm_attribute --promotion` (`nil` when it set none, or deleted it).
    public var promotionScore: Int?

    /// Creates a result.
    public init(code: OCFCode, output: String = "", timedOut: Bool = false, duration: Duration = .zero, promotionScore: Int? = nil) {
        self.code = code
        self.output = output
        self.timedOut = timedOut
        self.duration = duration
        self.promotionScore = promotionScore
    }
}
