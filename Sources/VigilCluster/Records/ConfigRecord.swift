/// The value of `config`: the validated YAML as applied, and who applied it when.
public struct ConfigRecord: Codable, Sendable, Hashable {
    /// The configuration text, exactly as validated.
    public var yaml: String
    /// `sha256:<hex>` of ``yaml``.
    public var hash: String
    /// Who applied it (`user@host`).
    public var appliedBy: String
    /// When (RFC 3339).
    public var appliedAt: String

    /// Creates a record.
    public init(yaml: String, hash: String, appliedBy: String, appliedAt: String) {
        self.yaml = yaml
        self.hash = hash
        self.appliedBy = appliedBy
        self.appliedAt = appliedAt
    }

    enum CodingKeys: String, CodingKey {
        case yaml, hash
        case appliedBy = "applied-by"
        case appliedAt = "applied-at"
    }
}
