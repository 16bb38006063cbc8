/// Pacemaker's command-line tools as OCF agents call them (`crm_attribute`, `crm_master`,
/// `attrd_updater`, `crm_node`, `crm_mon`, `cibadmin`; `pacemakerd --version`), answered by Vigil: the executor links each name in
/// `HA_SBIN_DIR` (first on the agent's `PATH`) to one multi-call binary — `vigil`, which
/// acts by the name it was called by — and tells it where the local agent listens.
///
/// Promotion scores (`crm_attribute --promotion`, `crm_master`) go to the action's
/// `VIGIL_PROMOTION_FILE`, as with ``PromotionShim``; node attributes go to the local agent
/// through its socket, which writes them to the cluster and answers reads from its view.
public struct AttributeShim: Sendable, Hashable {
    /// The multi-call binary the tool names link to.
    public var executable: String
    /// The local agent's attribute socket (`VIGIL_ATTRIBUTES_SOCKET`); nil outside a
    /// cluster, where attribute reads and writes fail as they do without Pacemaker.
    public var socket: String?
    /// This node's name (`VIGIL_NODE`): what `crm_node -n` prints and `-N` defaults to.
    public var node: String?

    /// The tool names linked to ``executable``.
    public static let names = ["crm_attribute", "crm_master", "attrd_updater", "crm_node", "crm_mon", "cibadmin", "pacemakerd"]

    /// Creates the settings.
    public init(executable: String, socket: String? = nil, node: String? = nil) {
        self.executable = executable
        self.socket = socket
        self.node = node
    }

    /// The environment the tools read.
    var environment: [String: String] {
        var env: [String: String] = [:]
        if let socket { env["VIGIL_ATTRIBUTES_SOCKET"] = socket }
        if let node {
            env["VIGIL_NODE"] = node
            // What Pacemaker's executor sets, and ocf_attribute_target reads.
            env["OCF_RESKEY_CRM_meta_on_node"] = node
        }
        return env
    }
}
