/// Who leads a leadership now.
public struct Leader: Sendable, Hashable, Codable {
    /// The leader's identity (``Vigil/identity`` of its process).
    public var identity: String
    /// Its fencing token.
    public var token: LeadershipToken

    /// Creates a value.
    public init(identity: String, token: LeadershipToken) {
        self.identity = identity
        self.token = token
    }
}
