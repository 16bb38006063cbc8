import Foundation
import Testing
import VigilNode
import VigilCluster

/// The status page's files and the status fields it reads, from a real server. (The page
/// itself runs in a real browser in clients/python/tests/test_status_page.py.)
@Suite("The status page")
struct StatusPageTests {
    @Test("GET / is the page, with its script and style sheet from this agent only")
    func thePage() async throws {
        try await withAgentServer(AgentHTTPServerTests.agent()) { port in
            let page = try await RawHTTP.get("/", port: port)
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            let policy = try #require(page.headers["content-security-policy"])
            #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"))
            #expect(page.headers["x-content-type-options"] == "nosniff")
            #expect(page.body.contains(#"<script src="/ui/vigil.js"></script>"#))
            #expect(page.body.contains(#"<link rel="stylesheet" href="/ui/vigil.css">"#))
            // Nothing from elsewhere: every src and href is a path on this agent.
            let references = page.body.matches(of: /(?:src|href)="([^"]*)"/).map { String($0.output.1) }
            #expect(!references.isEmpty && references.allSatisfy { $0.hasPrefix("/") && !$0.hasPrefix("//") }, "\(references)")
            let script = try await RawHTTP.get("/ui/vigil.js", port: port)
            #expect(script.status == 200)
            #expect(script.headers["content-type"] == "text/javascript; charset=utf-8")
            #expect(script.body.contains("/v1/status") && script.body.contains("/v1/events"))
            #expect(!script.body.contains("innerHTML"), "the cluster's words are inserted as text only")
            let style = try await RawHTTP.get("/ui/vigil.css", port: port)
            #expect(style.status == 200)
            #expect(style.headers["content-type"] == "text/css; charset=utf-8")
            #expect(style.body.contains("@media (max-width"))
        }
    }

    @Test("GET /v1/status says whether the API takes writes, and each local probe's last check")
    func statusFields() async throws {
        let check = LocalProbeCheck(probe: "http", state: "healthy", result: "200", latencyMs: 3.2, at: "2026-12-07T10:00:00.000Z")
        let agent = AgentHTTPServerTests.agent(web: .init(state: .started, healthy: true, probes: ["http: healthy (200)"], checks: [check]))
        try await withAgentServer(agent) { port in
            let response = try await RawHTTP.get("/v1/status", port: port)
            #expect(response.status == 200)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
            #expect((document["api"] as? [String: Any])?["writes"] as? Bool == false)
            let local = try #require(document["local"] as? [String: [String: Any]])
            let checks = try #require(local["web"]?["checks"] as? [[String: Any]])
            #expect(checks.count == 1)
            #expect(checks.first?["probe"] as? String == "http" && checks.first?["latency_ms"] as? Double == 3.2)
            #expect(local["db"]?["checks"] == nil, "no checks: no key")
            let decoded = try JSONDecoder().decode(StatusDocument.self, from: Data(response.body.utf8))
            #expect(decoded.local["web"]?.checks == [check])
        }
    }
}
