/// Proof of leadership: the etcd create revision of the leader key. Every new leader's
/// token is greater than every earlier one's, so a store that remembers the greatest
/// token it has seen can refuse a deposed leader's late writes.
public struct LeadershipToken: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The leadership's name.
    public var name: String
    /// The leader key's create revision.
    public var revision: Int64

    /// Creates a token (a client receiving one over the wire; leaders get theirs from
    /// ``Vigil/withLeadership(_:ttl:_:)``).
    public init(name: String, revision: Int64) {
        self.name = name
        self.revision = revision
    }

    /// Orders tokens of one leadership by revision.
    public static func < (lhs: LeadershipToken, rhs: LeadershipToken) -> Bool {
        (lhs.revision, lhs.name) < (rhs.revision, rhs.name)
    }

    /// `name@revision`.
    public var description: String { "\(name)@\(revision)" }
}
