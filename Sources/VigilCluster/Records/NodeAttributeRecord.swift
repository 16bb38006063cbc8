/// The value of `nodes/<node>/attributes/<name>` and `nodes/<node>/transient/<name>`: a node
/// attribute set at run time, by `vigil node attribute set` or by a resource agent through
/// the `crm_attribute`/`attrd_updater` shims.
public struct NodeAttributeRecord: Codable, Sendable, Hashable {
    /// The attribute's value (Pacemaker's attributes are strings; rules compare numbers
    /// as numbers).
    public var value: String
    /// When it was set (RFC 3339).
    public var at: String
    /// Who set it: `user@host` for the CLI, `agent <node>` for a resource agent's write.
    public var by: String

    /// Creates a record.
    public init(value: String, at: String, by: String) {
        self.value = value
        self.at = at
        self.by = by
    }
}
