import Foundation
import Hummingbird
import Logging
import NIOCore

/// The handlers behind ``AgentHTTPServer``: they ask the provider and format answers.
struct AgentRoutes: Sendable {
    let provider: any AgentStatusProvider
    let metrics: AgentMetrics
    let logger: Logger

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/status") { _, _ in await status() }
        router.get("/health/:resource") { _, context in
            await health(of: context.parameters.get("resource") ?? "")
        }
        router.get("/metrics") { _, _ in
            Self.response(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", metrics.exposition())
        }
    }

    /// `GET /v1/status`: the cluster status document plus `node` and `local`.
    func status() async -> Response {
        let node = provider.nodeName
        let local = await provider.localResources()
        var document: [String: JSONValue] = [
            "node": .string(node),
            "local": .object(local.mapValues(Self.json)),
        ]
        guard let cluster = await provider.clusterStatusJSON() else {
            document["error"] = .string("no view of the cluster yet")
            return Self.json(.serviceUnavailable, document)
        }
        do {
            guard case .object(let fields) = try JSONDecoder().decode(JSONValue.self, from: Data(cluster)) else {
                throw VigilNodeError(.invalidArgument, "the cluster status is not a JSON object")
            }
            document.merge(fields) { ours, _ in ours }
        } catch {
            logger.error("cannot read the cluster status", metadata: ["error": "\(error)"])
            document["error"] = .string("the cluster status cannot be read")
            return Self.json(.internalServerError, document)
        }
        return Self.json(.ok, document)
    }

    /// `GET /health/<resource>`: 200 healthy, 503 not fit or not here, 404 unknown.
    func health(of resource: String) async -> Response {
        let health = await provider.localHealth(of: resource)
        let (status, text): (HTTPResponse.Status, String) =
            switch health {
            case .healthy: (.ok, "\(resource): healthy on \(provider.nodeName)")
            case .unhealthy(let reason): (.serviceUnavailable, "\(resource): unhealthy on \(provider.nodeName): \(reason)")
            case .notRunning: (.serviceUnavailable, "\(resource): not running on \(provider.nodeName)")
            case .unknownResource: (.notFound, "\(resource): no such resource")
            }
        if health != .healthy {
            logger.debug("health check answered \(status.code)", metadata: ["resource": "\(resource)", "reason": "\(text)"])
        }
        return Self.response(status, contentType: "text/plain; charset=utf-8", Array((text + "\n").utf8))
    }

    static func json(_ status: LocalResourceStatus) -> JSONValue {
        .object([
            "state": .string(status.state.rawValue),
            "healthy": .bool(status.healthy),
            "probes": .array(status.probes.map(JSONValue.string)),
        ])
    }

    static func json(_ status: HTTPResponse.Status, _ document: [String: JSONValue]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a tree of JSON values cannot fail (no non-finite numbers are decoded).
        let bytes = (try? encoder.encode(JSONValue.object(document))).map { Array($0) + [0x0A] } ?? Array("{}\n".utf8)
        return response(status, contentType: "application/json", bytes)
    }

    static func response(_ status: HTTPResponse.Status, contentType: String, _ bytes: [UInt8]) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
