/// The value of `failcounts/<resource>/<node>`.
public struct FailcountRecord: Codable, Sendable, Hashable {
    /// Failures so far (1000000 = INFINITY).
    public var count: Int
    /// When the last one happened (RFC 3339).
    public var lastFailure: String

    /// Creates a record.
    public init(count: Int, lastFailure: String) {
        self.count = count
        self.lastFailure = lastFailure
    }

    enum CodingKeys: String, CodingKey {
        case count
        case lastFailure = "last-failure"
    }
}
