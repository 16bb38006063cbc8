/// The value of `fragments/<owner>`: one owner's part of the cluster configuration, as
/// applied (`config` holds every fragment merged).
public struct FragmentRecord: Codable, Sendable, Hashable {
    /// The fragment's YAML text, exactly as applied.
    public var yaml: String
    /// `sha256:<hex>` of ``yaml``.
    public var hash: String
    /// Who applied it.
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
