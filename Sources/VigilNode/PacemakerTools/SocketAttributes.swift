import Foundation

/// Node attribute reads and writes through the local agent's socket, as the tools make them.
struct SocketAttributes {
    let client: AttributeSocketClient

    /// The value of `name` on `node` (`transient` nil: the one rules read), nil when unset.
    func value(_ name: String, on node: String, transient: Bool?) async throws(PacemakerToolError) -> String? {
        let answer = try await client.send(.GET, "/v1/attributes/\(PacemakerTool.segment(node))/\(PacemakerTool.segment(name))?lifetime=\(Self.lifetime(transient))")
        switch answer.status {
        case 200: return answer.body
        case 404 where answer.body.hasPrefix("attribute "): return nil
        default: throw Self.failure(answer)
        }
    }

    /// Every node's value of `name`.
    func values(_ name: String, transient: Bool?) async throws(PacemakerToolError) -> [String: String] {
        let answer = try await client.send(.GET, "/v1/attribute-values/\(PacemakerTool.segment(name))?lifetime=\(Self.lifetime(transient))")
        guard answer.status == 200, let values = try? JSONDecoder().decode([String: String].self, from: Data(answer.body.utf8)) else {
            throw Self.failure(answer)
        }
        return values
    }

    /// Sets (`value` non-nil) or deletes `name` on `node`, written after `dampen`.
    func set(_ name: String, to value: String?, on node: String, transient: Bool, dampen: Duration) async throws(PacemakerToolError) {
        let uri = "/v1/attributes/\(PacemakerTool.segment(node))/\(PacemakerTool.segment(name))?lifetime=\(Self.lifetime(transient))&dampen-ms=\(dampen.milliseconds)"
        let answer = try await client.send(value == nil ? .DELETE : .PUT, uri, body: value)
        guard answer.status == 204 else { throw Self.failure(answer) }
    }

    static func lifetime(_ transient: Bool?) -> String {
        switch transient {
        case .some(true): "reboot"
        case .some(false): "forever"
        case .none: "any"
        }
    }

    static func failure(_ answer: AttributeSocketClient.Answer) -> PacemakerToolError {
        let message = answer.body.trimmingCharacters(in: .whitespacesAndNewlines)
        switch answer.status {
        case 404: return .noSuch(message)
        case 400: return PacemakerToolError(usage: message)
        default: return .unavailable("the local Vigil agent answered \(answer.status): \(message)")
        }
    }
}
