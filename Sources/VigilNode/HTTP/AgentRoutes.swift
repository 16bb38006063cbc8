import VigilCluster
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The handlers behind ``AgentHTTPServer``: they ask the provider and format answers.
struct AgentRoutes: Sendable {
    let provider: any AgentStatusProvider
    let metrics: AgentMetrics
    let logger: Logger
    let statusCache: RenderedStatusCache
    /// Whether the API takes writes (a token file is configured): the `api.writes` field
    /// of the status, which the status page reads to offer its actions or not.
    let writes: Bool

    init(provider: any AgentStatusProvider, metrics: AgentMetrics, logger: Logger, statusCacheLifetime: Duration, writes: Bool = false) {
        self.provider = provider
        self.metrics = metrics
        self.logger = logger
        self.statusCache = RenderedStatusCache(lifetime: statusCacheLifetime)
        self.writes = writes
    }

    func register(on router: Router<APIRequestContext>, access: APIAccess) {
        router.get("/v1/status") { request, context in
            guard access.decide(write: false, path: "/v1/status", authorization: request.headers[.authorization]) == .allowed else {
                logger.warning(
                    "API request refused: missing or wrong bearer token",
                    metadata: ["source": "\(context.remoteAddress?.description ?? "unknown")", "path": "/v1/status"])
                return Self.json(.unauthorized, ["error": .string("unauthorized"), "message": .string("a valid bearer token is required")])
            }
            return await cachedStatus()
        }
        router.get("/health/:resource") { request, context in
            await health(of: context.parameters.get("resource") ?? "", role: request.uri.queryParameters.get("role"))
        }
        StatusPage.register(on: router)
        router.get("/metrics") { _, _ in
            await provider.refreshGauges()
            return Self.response(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", metrics.exposition())
        }
    }

    /// `GET /v1/status`, rendered at most once per cache lifetime.
    func cachedStatus() async -> Response {
        let rendered = await statusCache.answer { [self] in await renderStatus() }
        return Self.response(HTTPResponse.Status(code: rendered.status), contentType: "application/json", rendered.body)
    }

    /// `GET /v1/status`: the cluster status document plus `node` and `local`.
    func status() async -> Response {
        let rendered = await renderStatus()
        return Self.response(HTTPResponse.Status(code: rendered.status), contentType: "application/json", rendered.body)
    }

    /// The status document and its HTTP status code.
    func renderStatus() async -> RenderedStatusCache.Rendered {
        let node = provider.nodeName
        let local = await provider.localResources()
        var document: [String: JSONValue] = [
            "node": .string(node),
            "local": .object(local.mapValues(Self.json)),
            "api": .object(["writes": .bool(writes)]),
        ]
        if let name = await provider.clusterName() { document["cluster"] = .string(name) }
        if let confirmed = await provider.leaseConfirmed() {
            document["agent"] = .object(["lease_confirmed": .bool(confirmed)])
        }
        guard let cluster = await provider.clusterStatusJSON() else {
            document["error"] = .string("no view of the cluster yet")
            return .init(status: HTTPResponse.Status.serviceUnavailable.code, body: Self.encode(document))
        }
        do {
            guard case .object(let fields) = try JSONDecoder().decode(JSONValue.self, from: Data(cluster)) else {
                throw VigilClusterError(.invalidArgument, "the cluster status is not a JSON object")
            }
            document.merge(fields) { ours, _ in ours }
        } catch {
            logger.error("cannot read the cluster status", metadata: ["error": "\(error)"])
            document["error"] = .string("the cluster status cannot be read")
            return .init(status: HTTPResponse.Status.internalServerError.code, body: Self.encode(document))
        }
        return .init(status: HTTPResponse.Status.ok.code, body: Self.encode(document))
    }

    /// `GET /health/<resource>`: 200 healthy, 503 not fit or not here, 404 unknown.
    func health(of resource: String, role: String? = nil) async -> Response {
        let health = if let role { await provider.localHealth(of: resource, role: role) } else { await provider.localHealth(of: resource) }
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
        var fields: [String: JSONValue] = [
            "state": .string(status.state.rawValue),
            "healthy": .bool(status.healthy),
            "probes": .array(status.probes.map(JSONValue.string)),
        ]
        if !status.checks.isEmpty {
            fields["checks"] = .array(
                status.checks.map { check in
                    .object([
                        "probe": .string(check.probe), "state": .string(check.state), "result": .string(check.result),
                        "latency_ms": .number(check.latencyMs), "at": .string(check.at),
                    ])
                })
        }
        return .object(fields)
    }

    static func json(_ status: HTTPResponse.Status, _ document: [String: JSONValue]) -> Response {
        response(status, contentType: "application/json", encode(document))
    }

    /// A JSON document's bytes, keys sorted, with a final newline.
    static func encode(_ document: [String: JSONValue]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a tree of JSON values cannot fail (no non-finite numbers are decoded).
        return (try? encoder.encode(JSONValue.object(document))).map { Array($0) + [0x0A] } ?? Array("{}\n".utf8)
    }

    static func response(_ status: HTTPResponse.Status, contentType: String, _ bytes: [UInt8]) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
