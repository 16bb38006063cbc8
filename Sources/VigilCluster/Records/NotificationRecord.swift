/// The value of `resources/<resource>/notification`: the coordinator's clone notification
/// in progress for a clone or promotable with `notify: true` (Pacemaker's notify actions).
///
/// One record is one operation's cycle: the `pre` notification on ``targets``, then the
/// operation's actions (``stage`` `acting`: handed out as assignments), then the `post`
/// notification, then `done`. Each agent named in ``targets`` with that incarnation runs
/// its instance's `notify` action once per stage and acknowledges it in its status
/// (``StatusRecord/notified`` = ``acknowledgement``). The coordinator writes it guarded by
/// its term, in the same transaction as the assignments it hands out with it.
public struct NotificationRecord: Codable, Sendable, Hashable {
    /// The operation a cycle is about (`OCF_RESKEY_CRM_meta_notify_operation`).
    public enum Operation: String, Codable, Sendable, Hashable, CaseIterable {
        /// Demotes, the first of a transition's phases.
        case demote
        /// Stops, including those a lost node's instance had by being lost.
        case stop
        /// Starts.
        case start
        /// Promotes, the last phase.
        case promote
    }

    /// Where a cycle is.
    public enum Stage: String, Codable, Sendable, Hashable {
        /// The `pre` notification runs on ``targets``.
        case pre
        /// The operation's actions are handed out and under way.
        case acting
        /// The `post` notification runs on ``targets``.
        case post
        /// Finished: the next operation may begin.
        case done
    }

    /// The coordinator term that wrote it.
    public var term: Int64
    /// Numbers the cycles of a resource (each new cycle takes the next).
    public var serial: Int64
    /// The operation.
    public var operation: Operation
    /// Where the cycle is.
    public var stage: Stage
    /// The nodes whose instance performs ``operation`` in this cycle.
    public var nodes: [String]
    /// Instances stopped by their node being lost, fenced or gone (no action to hand
    /// out; they are in the `stop` lists).
    public var implied: [String]?
    /// Node → the incarnation whose agent runs the notification of the current stage.
    public var targets: [String: Int64]
    /// The `OCF_RESKEY_CRM_meta_notify_*` lists (without that prefix), the same for the
    /// `pre` and `post` notifications of a cycle.
    public var variables: [String: String]
    /// Instances lost meanwhile, whose stop is notified in the next cycle.
    public var pendingStops: [String]?

    /// Creates a record.
    public init(
        term: Int64, serial: Int64, operation: Operation, stage: Stage, nodes: [String], implied: [String]? = nil,
        targets: [String: Int64], variables: [String: String], pendingStops: [String]? = nil
    ) {
        self.term = term
        self.serial = serial
        self.operation = operation
        self.stage = stage
        self.nodes = nodes
        self.implied = implied
        self.targets = targets
        self.variables = variables
        self.pendingStops = pendingStops
    }

    /// What an agent writes in ``StatusRecord/notified`` once it ran the notification of
    /// the current stage: `<serial>-<stage>`.
    public var acknowledgement: String { "\(serial)-\(stage.rawValue)" }

    /// The variables an agent's `notify` action gets for the current stage (`pre` or
    /// `post`): the lists, plus `type`, `operation` and their `key_` twins.
    public var stageVariables: [String: String] {
        var vars = variables
        let type = stage == .post ? "post" : "pre"
        vars["type"] = type
        vars["operation"] = operation.rawValue
        vars["key_type"] = type
        vars["key_operation"] = operation.rawValue
        return vars
    }

    enum CodingKeys: String, CodingKey {
        case term, serial, operation, stage, nodes, implied, targets, variables
        case pendingStops = "pending-stops"
    }
}
