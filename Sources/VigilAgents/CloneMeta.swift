/// Clone and promotable meta attributes handed to OCF agents as
/// `OCF_RESKEY_CRM_meta_*` variables, as Pacemaker does.
public struct CloneMeta: Sendable, Hashable {
    /// This instance's number (`OCF_RESKEY_CRM_meta_clone`).
    public var instance: Int
    /// `clone-max`.
    public var cloneMax: Int
    /// `clone-node-max`.
    public var cloneNodeMax: Int
    /// Whether the clone is promotable (`promotable=true`).
    public var promotable: Bool
    /// `promoted-max` (also exported under the legacy `master_max` name).
    public var promotedMax: Int
    /// `promoted-node-max` (also exported as `master_node_max`).
    public var promotedNodeMax: Int
    /// `globally-unique`.
    public var globallyUnique: Bool
    /// Whether notify actions are sent (`notify`).
    public var notify: Bool

    /// Creates clone meta attributes.
    public init(
        instance: Int = 0, cloneMax: Int, cloneNodeMax: Int = 1, promotable: Bool = false,
        promotedMax: Int = 1, promotedNodeMax: Int = 1, globallyUnique: Bool = false, notify: Bool = false
    ) {
        self.instance = instance
        self.cloneMax = cloneMax
        self.cloneNodeMax = cloneNodeMax
        self.promotable = promotable
        self.promotedMax = promotedMax
        self.promotedNodeMax = promotedNodeMax
        self.globallyUnique = globallyUnique
        self.notify = notify
    }

    /// The environment variables, without the `OCF_RESKEY_CRM_meta_` prefix.
    var variables: [String: String] {
        var vars: [String: String] = [
            "clone": String(instance),
            "clone_max": String(cloneMax),
            "clone_node_max": String(cloneNodeMax),
            "globally_unique": String(globallyUnique),
            "notify": String(notify),
        ]
        if promotable {
            vars["promotable"] = "true"
            vars["promoted_max"] = String(promotedMax)
            vars["promoted_node_max"] = String(promotedNodeMax)
            vars["master_max"] = String(promotedMax)
            vars["master_node_max"] = String(promotedNodeMax)
        }
        return vars
    }
}
