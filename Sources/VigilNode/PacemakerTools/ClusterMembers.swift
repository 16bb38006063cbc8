import Foundation

/// What `GET /v1/cluster` on the attribute socket says: this node, quorum, and every
/// configured node with whether it is a member now (for `crm_node`).
struct ClusterMembers: Decodable {
    /// A configured node.
    struct Node: Decodable {
        var name: String
        var member: Bool
    }

    var node: String
    var quorum: Bool
    var nodes: [Node]

    /// Asks the local agent.
    static func fetch(from client: AttributeSocketClient) async throws(PacemakerToolError) -> ClusterMembers {
        let answer = try await client.send(.GET, "/v1/cluster")
        guard answer.status == 200, let members = try? JSONDecoder().decode(ClusterMembers.self, from: Data(answer.body.utf8)) else {
            throw .unavailable("the local Vigil agent answered \(answer.status): \(answer.body)")
        }
        return members
    }
}
