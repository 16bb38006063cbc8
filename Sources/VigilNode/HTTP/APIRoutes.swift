import Foundation
import Hummingbird
import Logging
import NIOCore
import VigilCluster
import VigilModel
import VigilStore

/// The API's cluster operations (docs/api/openapi.yaml): configuration fragments,
/// leadership, health reports, node and resource commands, events. Each handler checks
/// access (``APIAccess``), calls the same ``ClusterClient`` the CLI uses, and maps errors
/// to the documented responses.
struct APIRoutes: Sendable {
    let store: any ClusterStore
    let keyspace: Keyspace
    let node: String
    let access: APIAccess
    let logger: Logger

    /// JSON bodies up to 1 MiB; a fragment's YAML up to the configuration limit.
    static let jsonLimit = 1 << 20

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/events") { request, context in
            await guarded(request, context, write: false) {
                let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 100
                guard (1...10_000).contains(limit) else { throw VigilClusterError(.invalidArgument, "limit must be 1 to 10000") }
                return try Self.json(.ok, EventList(events: try await client(context).events(limit: limit)))
            }
        }
        router.get("/v1/config") { request, context in
            await guarded(request, context, write: false) {
                let client = client(context)
                guard let record = try await client.showConfig() else {
                    throw VigilClusterError(.noConfiguration, "no configuration has been applied yet")
                }
                let owners = try await client.fragments().merged?.owners ?? [:]
                return try Self.json(.ok, ConfigDocument(yaml: record.yaml, hash: record.hash, appliedBy: record.appliedBy, appliedAt: record.appliedAt, owners: owners))
            }
        }
        router.get("/v1/fragments") { request, context in
            await guarded(request, context, write: false) {
                let ownership = try await client(context).fragments()
                let names = ownership.namesByOwner
                var list: [String: FragmentSummary] = [:]
                for (owner, record) in ownership.fragments {
                    list[owner] = FragmentSummary(hash: record.hash, appliedBy: record.appliedBy, appliedAt: record.appliedAt, defines: names[owner] ?? [])
                }
                return try Self.json(.ok, FragmentList(fragments: list))
            }
        }
        router.get("/v1/fragments/:owner") { request, context in
            await guarded(request, context, write: false) {
                let owner = context.parameters.get("owner") ?? ""
                guard let record = try await client(context).fragments().fragments[owner] else {
                    throw VigilClusterError(.notFound, "no fragment of \(owner) is applied")
                }
                return try Self.json(.ok, FragmentDocument(owner: owner, yaml: record.yaml, hash: record.hash, appliedBy: record.appliedBy, appliedAt: record.appliedAt))
            }
        }
        router.put("/v1/fragments/:owner") { request, context in
            await guarded(request, context, write: true) {
                let owner = context.parameters.get("owner") ?? ""
                let body = try await request.body.collect(upTo: InputLimits.documentBytes)
                guard let yaml = body.getString(at: body.readerIndex, length: body.readableBytes) else {
                    throw VigilClusterError(.invalidArgument, "the fragment is not UTF-8 text")
                }
                let dryRun = request.uri.queryParameters.get("dry-run") == "true"
                let client = client(context)
                let result = try await client.applyFragment(owner: owner, yaml: yaml, appliedBy: client.actor, now: Self.now(), dryRun: dryRun)
                return try Self.json(.ok, ApplyDocument(result))
            }
        }
        router.delete("/v1/fragments/:owner") { request, context in
            await guarded(request, context, write: true) {
                let owner = context.parameters.get("owner") ?? ""
                let client = client(context)
                let result = try await client.applyFragment(owner: owner, yaml: nil, appliedBy: client.actor, now: Self.now(), dryRun: false)
                return try Self.json(.ok, ApplyDocument(result))
            }
        }
        router.get("/v1/leadership/:name") { request, context in
            await guarded(request, context, write: false) {
                let name = context.parameters.get("name") ?? ""
                guard let leader = try await client(context).leadership(name) else {
                    throw VigilClusterError(.notFound, "nobody holds \(name)")
                }
                return try Self.json(.ok, LeaderDocument(holder: leader.holder, token: leader.token))
            }
        }
        router.post("/v1/leadership/:name/acquire") { request, context in
            await guarded(request, context, write: true) {
                let name = context.parameters.get("name") ?? ""
                let body = try await Self.decode(AcquireBody.self, request)
                let grant = try await client(context).acquireLeadership(name, holder: body.holder, ttl: body.ttl)
                return try Self.json(.ok, grant)
            }
        }
        router.post("/v1/leadership/:name/renew") { request, context in
            await guarded(request, context, write: true) {
                let name = context.parameters.get("name") ?? ""
                let body = try await Self.decode(LeaseBody.self, request)
                do {
                    return try Self.json(.ok, RenewDocument(ttl: try await client(context).renewLeadership(name, lease: body.lease)))
                } catch let error as VigilClusterError where error.code == .notFound {
                    return try Self.json(.gone, ErrorDocument(error: "lost", message: error.message))
                }
            }
        }
        router.post("/v1/leadership/:name/release") { request, context in
            await guarded(request, context, write: true) {
                let name = context.parameters.get("name") ?? ""
                let body = try await Self.decode(LeaseBody.self, request)
                try await client(context).releaseLeadership(name, lease: body.lease)
                return Response(status: .noContent)
            }
        }
        router.put("/v1/health/:resource") { request, context in
            await guarded(request, context, write: true) {
                let resource = context.parameters.get("resource") ?? ""
                let body = try await Self.decode(HealthBody.self, request)
                let record = HealthReportRecord(
                    healthy: body.healthy, reason: String((body.reason ?? "").prefix(HealthReportRecord.maxReasonLength)),
                    reporter: body.reporter ?? "api", time: Self.now(), ttl: body.ttl ?? 10)
                try await client(context).reportHealth(record, resource: resource, node: body.node ?? node)
                return Response(status: .noContent)
            }
        }
        router.delete("/v1/health/:resource") { request, context in
            await guarded(request, context, write: true) {
                let resource = context.parameters.get("resource") ?? ""
                try await client(context).withdrawHealth(resource: resource, node: request.uri.queryParameters.get("node") ?? node)
                return Response(status: .noContent)
            }
        }
        for (action, standby) in [("standby", true), ("online", false)] {
            router.post("/v1/nodes/:node/\(action)") { request, context in
                await guarded(request, context, write: true) {
                    let target = context.parameters.get("node") ?? ""
                    let record = try await client(context).setNode(target, standby: standby)
                    return try Self.json(.ok, NodeDocument(node: target, standby: record.standby, maintenance: record.maintenance))
                }
            }
        }
        router.post("/v1/resources/:resource/:action") { request, context in
            await guarded(request, context, write: true) {
                let resource = context.parameters.get("resource") ?? ""
                let action = context.parameters.get("action") ?? ""
                let body = request.body
                let target = try await Self.decodeOptional(NodeBody.self, body)?.node
                let client = client(context)
                let record: ResourceAdminRecord
                switch action {
                case "move": record = try await client.move(resource, to: target)
                case "ban": record = try await client.ban(resource, from: target)
                case "clear": record = try await client.clear(resource)
                case "cleanup":
                    let cleared = try await client.cleanup(resource, node: target)
                    return try Self.json(.ok, CleanupDocument(resource: resource, cleared: cleared))
                default:
                    throw VigilClusterError(.notFound, "no resource command \(action) (move, ban, clear, cleanup)")
                }
                return try Self.json(.ok, ResourceDocument(resource: resource, prefer: record.prefer, bans: record.bans, stopped: record.stopped))
            }
        }
    }

    /// A client acting as `api@<this node>`.
    func client(_ context: APIRequestContext) -> ClusterClient {
        ClusterClient(store: store, keyspace: keyspace, actor: "api@\(node)")
    }

    /// Checks access, runs `body`, and maps its errors to responses.
    func guarded(
        _ request: Request, _ context: APIRequestContext, write: Bool, _ body: () async throws -> Response
    ) async -> Response {
        let decision = access.decide(write: write, path: request.uri.path, authorization: request.headers[.authorization])
        switch decision {
        case .allowed:
            break
        case .unauthorized:
            logger.warning(
                "API request refused: missing or wrong bearer token",
                metadata: ["source": "\(context.remoteAddress?.description ?? "unknown")", "method": "\(request.method)", "path": "\(request.uri.path)"])
            var response = (try? Self.json(.unauthorized, ErrorDocument(error: "unauthorized", message: "a valid bearer token is required")))
                ?? Response(status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"vigil\""
            return response
        case .forbidden:
            return (try? Self.json(.forbidden, ErrorDocument(error: "forbidden", message: "writes are disabled: the agent has no --api-token-file")))
                ?? Response(status: .forbidden)
        }
        do {
            return try await body()
        } catch {
            return Self.response(for: error, logger: logger)
        }
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        let (status, document): (HTTPResponse.Status, ErrorDocument) =
            switch error {
            case let error as VigilModelError:
                (.unprocessableContent, ErrorDocument(error: error.code.description, message: error.message, diagnostics: error.diagnostics.map(DiagnosticDocument.init)))
            case let error as VigilClusterError:
                switch error.code {
                case .notFound: (.notFound, ErrorDocument(error: "not-found", message: error.message))
                case .invalidArgument, .unsupported: (.badRequest, ErrorDocument(error: "invalid-argument", message: error.message))
                case .timeout: (.serviceUnavailable, ErrorDocument(error: "timeout", message: error.message))
                default: (.conflict, ErrorDocument(error: error.code.description, message: error.message))
                }
            case let error as APIBodyError:
                (.badRequest, ErrorDocument(error: "invalid-argument", message: error.message))
            case is VigilStoreError:
                (.serviceUnavailable, ErrorDocument(error: "store-unavailable", message: "the cluster store did not answer: \(error)"))
            default:
                (.badRequest, ErrorDocument(error: "invalid-argument", message: "\(error)"))
            }
        if status == .serviceUnavailable { logger.warning("API request failed", metadata: ["error": "\(error)"]) }
        return (try? json(status, document)) ?? Response(status: status)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        guard let value = try await decodeOptional(type, request.body) else { throw APIBodyError(message: "a JSON body is required") }
        return value
    }

    static func decodeOptional<T: Decodable>(_ type: T.Type, _ body: RequestBody) async throws -> T? {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: jsonLimit)
        } catch {
            throw APIBodyError(message: "the body is larger than \(jsonLimit) bytes")
        }
        guard buffer.readableBytes > 0 else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIBodyError(message: "the body is not the JSON expected: \(error)")
        }
    }

    static func json<T: Encodable>(_ status: HTTPResponse.Status, _ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = Array(try encoder.encode(value)) + [0x0A]
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func now() -> String {
        Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).description
    }
}

/// A request body that cannot be used.
struct APIBodyError: Error {
    var message: String
}
