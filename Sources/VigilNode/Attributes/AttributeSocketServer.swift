import Foundation
import Hummingbird
public import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
public import VigilCluster

#if canImport(Glibc)
import Glibc
#endif

/// The local agent's attribute socket: what `crm_attribute`, `attrd_updater` and `crm_node`
/// (``AttributeShim``, run by OCF agents on this host) talk to. A Unix socket, mode 0600: only
/// root on this host reaches it, so it needs no token; it is never on the network.
///
/// Requests (HTTP/1.1; a value travels as the body, as text):
/// - `GET /v1/attributes/<node>/<name>?lifetime=reboot|forever|any` → 200 and the value, or
///   404 when unset (`any`: the value rules read);
/// - `PUT /v1/attributes/<node>/<name>?lifetime=…&dampen-ms=N` with the value → 204;
/// - `DELETE /v1/attributes/<node>/<name>?lifetime=…&dampen-ms=N` → 204;
/// - `GET /v1/attribute-values/<name>?lifetime=…` → `{"<node>": "<value>"}` for every node;
/// - `GET /v1/cluster` → `{"node", "quorum", "nodes": [{"name", "member"}]}`.
///
/// Errors: 400 or 404 with the message as text.
public struct AttributeSocketServer: Sendable {
    /// Where the socket is.
    public let path: String
    private let service: NodeAttributeService
    private let node: String
    private let view: @Sendable () async -> ClusterView
    private let logger: Logger

    /// The longest Unix socket path Linux accepts (`sun_path` less its terminating NUL).
    public static let maximumPathLength = 107

    /// Creates the server of `service` at `path`; `view` is the agent's view (for `crm_node`).
    public init(
        path: String, service: NodeAttributeService, node: String, view: @escaping @Sendable () async -> ClusterView, logger: Logger
    ) {
        self.path = path
        self.service = service
        self.node = node
        self.view = view
        self.logger = logger
    }

    /// Serves until cancelled; removes the socket file when it ends.
    ///
    /// - Throws: ``VigilClusterError`` `invalidArgument` for a path too long for a socket;
    ///   the bind's error.
    public func run() async throws {
        guard path.utf8.count <= Self.maximumPathLength else {
            throw VigilClusterError(.invalidArgument, "the attribute socket path \(path) is longer than \(Self.maximumPathLength) bytes")
        }
        unlink(path)
        defer { unlink(path) }
        let router = Router(context: BasicRequestContext.self)
        register(on: router)
        let path = self.path
        let logger = self.logger
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .unixDomainSocket(path: path), serverName: "vigil-attributes"),
            onServerRunning: { _ in
                chmod(path, 0o600)
                logger.info("attribute socket listening", metadata: ["socket": "\(path)"])
            },
            logger: logger
        )
        // As for the HTTP API: cancellation becomes a graceful shutdown (apple/swift-nio#2813).
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }

    /// The lifetime a request names: reboot (transient), forever (permanent), any (nil).
    static func lifetime(_ request: Request) throws -> Bool? {
        switch request.uri.queryParameters.get("lifetime") ?? "reboot" {
        case "reboot": true
        case "forever": false
        case "any": nil
        case let other: throw HTTPError(.badRequest, message: "lifetime must be reboot, forever or any, not \(other)")
        }
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func failure(_ error: any Error) -> Response {
        if let error = error as? VigilClusterError {
            return text(error.code == .notFound ? .notFound : .badRequest, error.message + "\n")
        }
        if let error = error as? HTTPError { return text(error.status, (error.body ?? "\(error)") + "\n") }
        return text(.internalServerError, "\(error)\n")
    }

    func register(on router: Router<BasicRequestContext>) {
        let service = self.service
        router.get("/v1/attributes/:node/:name") { request, context in
            do {
                let node = context.parameters.get("node") ?? ""
                let name = context.parameters.get("name") ?? ""
                guard let value = await service.value(name, on: node, transient: try Self.lifetime(request)) else {
                    return Self.text(.notFound, "attribute \(name) of \(node) is not set\n")
                }
                return Self.text(.ok, value)
            } catch {
                return Self.failure(error)
            }
        }
        router.put("/v1/attributes/:node/:name") { request, context in
            do {
                let body = try await request.body.collect(upTo: 64 * 1024)
                try await Self.write(request, context, value: String(buffer: body), service: service)
                return Response(status: .noContent)
            } catch {
                return Self.failure(error)
            }
        }
        router.delete("/v1/attributes/:node/:name") { request, context in
            do {
                try await Self.write(request, context, value: nil, service: service)
                return Response(status: .noContent)
            } catch {
                return Self.failure(error)
            }
        }
        router.get("/v1/attribute-values/:name") { request, context in
            do {
                let name = context.parameters.get("name") ?? ""
                let values = await service.values(named: name, transient: try Self.lifetime(request))
                return AgentRoutes.json(.ok, values.mapValues(JSONValue.string))
            } catch {
                return Self.failure(error)
            }
        }
        let node = self.node
        let view = self.view
        router.get("/v1/cluster") { _, _ in
            AgentRoutes.json(.ok, Self.clusterDocument(await view(), node: node))
        }
    }

    /// What `GET /v1/cluster` answers: this node, quorum, every configured node (member or
    /// not, standby, maintenance, unclean, its permanent and transient attributes) and every
    /// resource (agent, clone or promotable, each node's reported state): what `crm_node`,
    /// `crm_mon` and `cibadmin` render.
    static func clusterDocument(_ view: ClusterView, node: String) -> [String: JSONValue] {
        let names = view.config?.nodes.map(\.name) ?? [node]
        let lost = view.config.map { StateBuilder.lostNodes(view: view, config: $0) } ?? [:]
        let nodes: [JSONValue] = names.map { name in
            let admin = view.nodeAdmin[name] ?? NodeAdminRecord()
            return .object([
                "name": .string(name),
                "member": .bool(view.members[name] != nil),
                "standby": .bool(admin.standby),
                "maintenance": .bool(admin.maintenance),
                "unclean": .bool(lost[name] != nil),
                "attributes": .object((view.permanentAttributes[name] ?? [:]).mapValues { .string($0.record.value) }),
                "transient": .object((view.transientAttributes[name] ?? [:]).mapValues { .string($0.record.value) }),
            ])
        }
        let resources: [JSONValue] = (view.config?.resources ?? []).map { resource in
            var states: [String: JSONValue] = [:]
            for (member, statuses) in view.status where view.members[member] != nil {
                if let state = statuses[resource.name]?.state { states[member] = .string(state.rawValue) }
            }
            return .object([
                "name": .string(resource.name),
                "agent": .string(resource.agent.description),
                "clone": .bool(resource.isClone),
                "promotable": .bool(resource.isPromotable),
                "states": .object(states),
            ])
        }
        return [
            "node": .string(node),
            // An agent that answers has its view from etcd: a quorate partition, while it is
            // a member.
            "quorum": .bool(view.members[node] != nil),
            "coordinator": view.coordinator.map { .string($0.node) } ?? .null,
            "nodes": .array(nodes),
            "resources": .array(resources),
        ]
    }

    static func write(_ request: Request, _ context: BasicRequestContext, value: String?, service: NodeAttributeService) async throws {
        let node = context.parameters.get("node") ?? ""
        let name = context.parameters.get("name") ?? ""
        guard let transient = try lifetime(request) else {
            throw HTTPError(.badRequest, message: "a write names its lifetime: reboot or forever")
        }
        let dampen = request.uri.queryParameters.get("dampen-ms").flatMap(Int.init).map { Duration.milliseconds($0) } ?? .zero
        try await service.set(name, to: value, on: node, transient: transient, dampen: dampen)
    }
}
