import Foundation
import Logging
import Testing
import VigilNode
import VigilCluster

/// The agent's view, as a test sets it.
actor FakeAgent: AgentStatusProvider {
    nonisolated let nodeName: String
    private var cluster: [UInt8]?
    private var local: [String: LocalResourceStatus]

    init(node: String, cluster: String?, local: [String: LocalResourceStatus]) {
        self.nodeName = node
        self.cluster = cluster.map { Array($0.utf8) }
        self.local = local
    }

    func clusterStatusJSON() -> [UInt8]? { cluster }
    func localResources() -> [String: LocalResourceStatus] { local }

    func set(_ resource: String, _ status: LocalResourceStatus) { local[resource] = status }
    func setCluster(_ json: String?) { cluster = json.map { Array($0.utf8) } }
}

/// The decoded `GET /v1/status` document.
struct StatusDocument: Decodable {
    struct Node: Decodable {
        var online: Bool
        var standby: Bool
    }
    var coordinator: String?
    var quorum: Bool
    var nodes: [String: Node]
    var resources: [String: [String: String]]
    var node: String
    var local: [String: LocalResourceStatus]
}

let clusterJSON = """
    {"coordinator": "n1", "quorum": true,
     "nodes": {"n1": {"online": true, "standby": false, "failcount": 0},
               "n2": {"online": true, "standby": true, "since": 1.5}},
     "resources": {"web": {"n1": "started"}, "db": {"n1": "unpromoted", "n2": "promoted"}}}
    """

let silentLogger = Logger(label: "vigil.test.http", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs an ``AgentHTTPServer`` on 127.0.0.1, a free port, for the duration of `body`.
func withAgentServer(
    _ provider: any AgentStatusProvider, metrics: AgentMetrics = AgentMetrics(),
    _ body: @Sendable (_ port: Int) async throws -> Void
) async throws {
    let (ports, portsContinuation) = AsyncStream.makeStream(of: Int.self)
    let server = AgentHTTPServer(
        host: "127.0.0.1", port: 0, provider: provider, metrics: metrics, logger: silentLogger,
        onServerRunning: { portsContinuation.yield($0) })
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portsContinuation.finish() }
            try await server.run()
        }
        defer { group.cancelAll() }
        let port = try await withDeadline(.seconds(60), "the server to listen") {
            guard let port = await ports.first(where: { _ in true }) else {
                throw TestFailure("the server stopped before listening")
            }
            return port
        }
        #expect(port > 0)
        try await body(port)
    }
}

@Suite("AgentHTTPServer")
struct AgentHTTPServerTests {
    static func agent(web: LocalResourceStatus = .init(state: .started, healthy: true, probes: ["http: up (200)"]))
        -> FakeAgent
    {
        FakeAgent(
            node: "n1", cluster: clusterJSON,
            local: [
                "web": web,
                "db": .init(state: .unpromoted, healthy: true, probes: ["galera: up (Synced)"]),
                "queue": .init(state: .stopped, healthy: false),
            ])
    }

    @Test("GET /v1/status: the cluster status plus node and local")
    func status() async throws {
        try await withAgentServer(Self.agent()) { port in
            let response = try await RawHTTP.get("/v1/status", port: port)
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let document = try JSONDecoder().decode(StatusDocument.self, from: Data(response.body.utf8))
            #expect(document.coordinator == "n1")
            #expect(document.quorum == true)
            #expect(document.nodes["n2"]?.standby == true)
            #expect(document.nodes["n1"]?.online == true)
            #expect(document.resources["db"] == ["n1": "unpromoted", "n2": "promoted"])
            #expect(document.node == "n1")
            #expect(document.local["web"] == LocalResourceStatus(state: .started, healthy: true, probes: ["http: up (200)"]))
            #expect(document.local["queue"]?.state == .stopped)
            #expect(document.local.count == 3)
            // Fields the server does not know pass through unchanged.
            #expect(response.body.contains(#""failcount":0"#))
            #expect(response.body.contains(#""since":1.5"#))
        }
    }

    @Test("GET /v1/status: 503 before the agent has a view, 500 on a broken document")
    func statusUnavailable() async throws {
        let agent = Self.agent()
        await agent.setCluster(nil)
        try await withAgentServer(agent) { port in
            let response = try await RawHTTP.get("/v1/status", port: port)
            #expect(response.status == 503)
            #expect(response.body.contains(#""node":"n1""#))
            // The answer is rendered at most every 250 ms (HTTPLimits.statusCacheLifetime):
            // a change shows within that.
            await agent.setCluster("[1, 2]")
            try await eventually("500 on a broken document", timeout: .seconds(2), every: .milliseconds(50)) {
                try await RawHTTP.get("/v1/status", port: port).status == 500
            }
            await agent.setCluster(clusterJSON)
            try await eventually("200 again", timeout: .seconds(2), every: .milliseconds(50)) {
                try await RawHTTP.get("/v1/status", port: port).status == 200
            }
        }
    }

    @Test(
        "GET /health/<resource>",
        arguments: [
            (LocalResourceStatus(state: .started, healthy: true, probes: ["http: up (200)"]), 200),
            (LocalResourceStatus(state: .promoted, healthy: true), 200),
            (LocalResourceStatus(state: .unpromoted, healthy: true), 200),
            (LocalResourceStatus(state: .started, healthy: false, probes: ["http: down (connection refused)"]), 503),
            (LocalResourceStatus(state: .failed, healthy: false), 503),
            (LocalResourceStatus(state: .starting, healthy: false), 503),
            (LocalResourceStatus(state: .stopping, healthy: true), 503),
            (LocalResourceStatus(state: .stopped, healthy: false), 503),
        ])
    func health(status: LocalResourceStatus, expected: Int) async throws {
        try await withAgentServer(Self.agent(web: status)) { port in
            let response = try await RawHTTP.get("/health/web", port: port)
            #expect(response.status == expected, "\(status)")
            #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
            #expect(response.body.hasPrefix("web: \(expected == 200 ? "healthy" : "")"))
            if status.probes.first?.contains("down") == true {
                #expect(response.body.contains("connection refused"))
            }
        }
    }

    @Test("GET /health/<unknown> is 404; other paths are 404")
    func healthUnknown() async throws {
        try await withAgentServer(Self.agent()) { port in
            for path in ["/health/nope", "/health/", "/nothing"] {
                let response = try await RawHTTP.get(path, port: port)
                #expect(response.status == 404, "\(path)")
            }
        }
    }

    @Test("HTTP/1.0 without a Host header, as HAProxy's option httpchk sends it")
    func http10WithoutHost() async throws {
        let agent = Self.agent()
        try await withAgentServer(agent) { port in
            let healthy = try await RawHTTP.send("GET /health/web HTTP/1.0\r\n\r\n", port: port)
            #expect(healthy.status == 200)
            #expect(healthy.statusLine.hasPrefix("HTTP/1."))
            #expect(healthy.body == "web: healthy on n1\n")
            await agent.set("web", .init(state: .started, healthy: false, probes: ["tcp: down (refused)"]))
            let unhealthy = try await RawHTTP.send("GET /health/web HTTP/1.0\r\n\r\n", port: port)
            #expect(unhealthy.status == 503)
            #expect(unhealthy.body.contains("tcp: down (refused)"))
            let unknown = try await RawHTTP.send("GET /health/nope HTTP/1.0\r\n\r\n", port: port)
            #expect(unknown.status == 404)
        }
    }

    @Test("GET /metrics: Prometheus text with the recorded metrics and their labels")
    func metrics() async throws {
        let metrics = AgentMetrics()
        metrics.setCoordinator(true)
        metrics.setMember(true)
        metrics.setResource("web", node: "n1", active: true, healthy: false)
        metrics.setResource("db", node: "n2", active: false, healthy: false)
        metrics.setFailcount(3, resource: "web", node: "n1")
        metrics.recordAction(kind: "start", resource: "web", succeeded: true, duration: .milliseconds(300))
        metrics.recordAction(kind: "start", resource: "web", succeeded: true, duration: .seconds(2))
        metrics.recordAction(kind: "stop", resource: "db", succeeded: false, duration: .seconds(40))
        try await withAgentServer(Self.agent(), metrics: metrics) { port in
            let response = try await RawHTTP.get("/metrics", port: port)
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let lines = Set(response.body.split(separator: "\n").map(String.init))
            for expected in [
                "vigil_is_coordinator 1.0",
                "vigil_member 1.0",
                #"vigil_resource_active{resource="web",node="n1"} 1.0"#,
                #"vigil_resource_active{resource="db",node="n2"} 0.0"#,
                #"vigil_resource_healthy{resource="web",node="n1"} 0.0"#,
                #"vigil_failcount{resource="web",node="n1"} 3.0"#,
                #"vigil_actions_total{action="start",resource="web",result="success"} 2"#,
                #"vigil_actions_total{action="stop",resource="db",result="failure"} 1"#,
                #"vigil_action_duration_seconds_bucket{action="start",le="0.5"} 1"#,
                #"vigil_action_duration_seconds_bucket{action="start",le="2.5"} 2"#,
                #"vigil_action_duration_seconds_count{action="start"} 2"#,
                #"vigil_action_duration_seconds_bucket{action="stop",le="30.0"} 0"#,
                "# TYPE vigil_actions_total counter",
                "# TYPE vigil_action_duration_seconds histogram",
                "# TYPE vigil_resource_active gauge",
            ] {
                #expect(lines.contains(expected), "missing: \(expected)\n\(response.body)")
            }
            metrics.removeResource("db", node: "n2")
            metrics.setCoordinator(false)
            let after = try await RawHTTP.get("/metrics", port: port).body
            #expect(!after.contains(#"resource="db",node="n2""#))
            #expect(after.contains("vigil_is_coordinator 0.0"))
        }
    }

    @Test("the server stops and closes its port when its task is cancelled")
    func stopsOnCancel() async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = AgentHTTPServer(
            host: "127.0.0.1", port: 0, provider: Self.agent(), metrics: AgentMetrics(), logger: silentLogger,
            onServerRunning: { continuation.yield($0) })
        let task = Task {
            defer { continuation.finish() }
            try await server.run()
        }
        let port = try await withDeadline(.seconds(60), "the server to listen") {
            guard let port = await ports.first(where: { _ in true }) else { throw TestFailure("not started") }
            return port
        }
        #expect(try await RawHTTP.get("/health/web", port: port).status == 200)
        #expect(!RawHTTP.isRefused(port: port))
        task.cancel()
        try await withDeadline(.seconds(30), "the server to stop") {
            _ = try? await task.value
        }
        try await eventually("port \(port) to be closed", timeout: .seconds(10)) { RawHTTP.isRefused(port: port) }
    }

    @Test("run() throws when the address is in use")
    func addressInUse() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let server = AgentHTTPServer(
            host: "127.0.0.1", port: listener.port, provider: Self.agent(), metrics: AgentMetrics(),
            logger: silentLogger)
        _ = try await withDeadline(.seconds(30), "run() to fail") {
            await #expect(throws: (any Error).self) { try await server.run() }
        }
    }

    @Test(
        "ListenAddress parses --listen",
        arguments: [
            ("127.0.0.1:8000", "127.0.0.1", 8000),
            ("0.0.0.0", "0.0.0.0", AgentHTTPServer.defaultPort),
            (":9000", "127.0.0.1", 9000),
            ("[::1]:9100", "::1", 9100),
            ("[::]", "::", AgentHTTPServer.defaultPort),
            ("node1.example:7950", "node1.example", 7950),
        ])
    func listenAddress(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(try ListenAddress(parsing: address.description) == address)
    }

    @Test("ListenAddress rejects malformed addresses", arguments: ["1.2.3.4:", "host:http", ":70000", "::1:80", "[::1", "[::1]80"])
    func listenAddressInvalid(text: String) {
        #expect(throws: VigilClusterError.self) { try ListenAddress(parsing: text) }
    }
}
