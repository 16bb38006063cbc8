import Foundation

/// What `GET /v1/cluster` on the attribute socket says (``AttributeSocketServer``): this
/// node, quorum, every configured node and every resource — what `crm_node`, `crm_mon` and
/// `cibadmin` render.
struct ClusterMembers: Decodable {
    /// A configured node.
    struct Node: Decodable {
        var name: String
        var member: Bool
        var standby: Bool = false
        var maintenance: Bool = false
        var unclean: Bool = false
        /// Permanent attributes set at run time.
        var attributes: [String: String] = [:]
        /// Transient attributes.
        var transient: [String: String] = [:]

        enum CodingKeys: String, CodingKey {
            case name, member, standby, maintenance, unclean, attributes, transient
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            member = try container.decode(Bool.self, forKey: .member)
            standby = try container.decodeIfPresent(Bool.self, forKey: .standby) ?? false
            maintenance = try container.decodeIfPresent(Bool.self, forKey: .maintenance) ?? false
            unclean = try container.decodeIfPresent(Bool.self, forKey: .unclean) ?? false
            attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
            transient = try container.decodeIfPresent([String: String].self, forKey: .transient) ?? [:]
        }
    }

    /// A configured resource and what each node reports of it.
    struct Resource: Decodable {
        var name: String
        var agent: String
        var clone: Bool
        var promotable: Bool
        /// Node → reported state (`started`, `promoted`, `unpromoted`, `failed`, …).
        var states: [String: String]
    }

    var node: String
    var quorum: Bool
    var coordinator: String?
    var nodes: [Node]
    var resources: [Resource] = []

    enum CodingKeys: String, CodingKey {
        case node, quorum, coordinator, nodes, resources
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        node = try container.decode(String.self, forKey: .node)
        quorum = try container.decode(Bool.self, forKey: .quorum)
        coordinator = try container.decodeIfPresent(String.self, forKey: .coordinator)
        nodes = try container.decode([Node].self, forKey: .nodes)
        resources = try container.decodeIfPresent([Resource].self, forKey: .resources) ?? []
    }

    /// Asks the local agent.
    static func fetch(from client: AttributeSocketClient) async throws(PacemakerToolError) -> ClusterMembers {
        let answer = try await client.send(.GET, "/v1/cluster")
        guard answer.status == 200, let members = try? JSONDecoder().decode(ClusterMembers.self, from: Data(answer.body.utf8)) else {
            throw .unavailable("the local Vigil agent answered \(answer.status): \(answer.body)")
        }
        return members
    }
}
