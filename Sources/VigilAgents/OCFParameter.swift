/// One `<parameter>` of an OCF agent's meta-data.
public struct OCFParameter: Sendable, Hashable {
    /// The parameter name (`OCF_RESKEY_<name>`).
    public var name: String
    /// Whether the agent needs it set (`required="1"`).
    public var required: Bool
    /// Whether its value must be unique across instances (`unique="1"`).
    public var unique: Bool
    /// The `<content type=…>`, e.g. `string`, `integer`, `boolean`.
    public var type: String?
    /// The `<content default=…>`, if any.
    public var defaultValue: String?
    /// The one-line description.
    public var shortDescription: String?

    /// Creates a parameter description.
    public init(
        name: String, required: Bool = false, unique: Bool = false, type: String? = nil,
        defaultValue: String? = nil, shortDescription: String? = nil
    ) {
        self.name = name
        self.required = required
        self.unique = unique
        self.type = type
        self.defaultValue = defaultValue
        self.shortDescription = shortDescription
    }
}
