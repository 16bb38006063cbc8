import Foundation
import Testing
import VigilStore

/// etcd user/password auth and TLS client certificates, each on its own single-member
/// etcd (auth and TLS are cluster-wide settings).
@Suite struct EtcdSecurityTests {
    @Test func passwordAuthentication() async throws {
        // Simple tokens expire after 1 s unused, so the store must re-authenticate.
        try await EtcdCluster.with(members: 1, extraArguments: ["--auth-token-ttl", "1"]) { cluster in
            let endpoint = await cluster.endpoint(0)
            let etcdctl = { (arguments: [String]) in
                _ = try await runTool("/usr/bin/etcdctl", ["--endpoints", endpoint] + arguments, environment: ["ETCDCTL_API": "3"])
            }
            try await etcdctl(["user", "add", "root:rootpw"])
            try await etcdctl(["user", "add", "vigil:vigilpw"])
            try await etcdctl(["role", "add", "vigil"])
            try await etcdctl(["role", "grant-permission", "vigil", "--prefix=true", "readwrite", "/vigil/"])
            try await etcdctl(["user", "grant-role", "vigil", "vigil"])
            try await etcdctl(["auth", "enable"])

            let good = EtcdConfiguration(endpoints: [endpoint], credentials: EtcdCredentials(username: "vigil", password: "vigilpw"))
            let log = LogCapture()
            try await withEtcdStore(good, logger: log.logger) { store in
                let revision = try await store.put("/vigil/c/config", "yaml")
                #expect(try await store.get("/vigil/c/config")?.stringValue == "yaml")
                let events = try await collectEvents(store.watch(prefix: "/vigil/c/", fromRevision: revision), count: 1)
                #expect(events.map(\.kv.stringValue) == ["yaml"])
                let lease = try await store.grantLease(ttl: .seconds(30))
                // The keep-alive stream opens with the token in the call's metadata.
                try await eventually("a renewal on the stream", timeout: .seconds(10), every: .milliseconds(50)) {
                    let result = try await store.keepAlive(lease.id)
                    guard result == .alive(ttl: .seconds(30)) else { throw TestFailure("renewed: \(result)") }
                    return store.keepAliveCounts.stream == 1
                }
                await expectCode(.auth) { try await store.put("/other", "x") }

                // The token expires after 1 s of disuse: each kind of call authenticates again.
                try await Task.sleep(for: .milliseconds(2500))
                #expect(try await store.get("/vigil/c/config")?.stringValue == "yaml")
                try await Task.sleep(for: .milliseconds(2500))
                let again = try await collectEvents(store.watch(prefix: "/vigil/c/", fromRevision: revision), count: 1)
                #expect(again.map(\.kv.stringValue) == ["yaml"])
                try await Task.sleep(for: .milliseconds(2500))
                #expect(try await store.keepAlive(lease.id) == .alive(ttl: .seconds(30)))
                // The token changed meanwhile (the get and the watch authenticated again):
                // the stream is opened again with the new one.
                try await eventually("a renewal on a stream with the new token", timeout: .seconds(10), every: .milliseconds(50)) {
                    let result = try await store.keepAlive(lease.id)
                    guard result == .alive(ttl: .seconds(30)) else { throw TestFailure("renewed: \(result)") }
                    return store.keepAliveCounts.stream == 2
                }
            }
            // Initial, after the get and after the watch were refused (etcd 3.4 does not
            // check tokens on keep-alives).
            #expect(log.all.filter { $0 == "authenticated to etcd" }.count >= 3)
            #expect(!log.all.contains { $0.contains("vigilpw") })

            let wrong = EtcdConfiguration(endpoints: [endpoint], credentials: EtcdCredentials(username: "vigil", password: "nope"))
            try await withEtcdStore(wrong, logger: quietLogger) { store in
                await expectCode(.auth) { _ = try await store.get("/vigil/c/config") }
            }
            try await withEtcdStore(EtcdConfiguration(endpoints: [endpoint]), logger: quietLogger) { store in
                await expectCode(.auth) { _ = try await store.get("/vigil/c/config") }
            }
        }
    }

    @Test func tlsClientCertificates() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pki = try await TestPKI.make(in: directory)
        let client = EtcdTLSConfiguration(caFile: pki.caFile, certificateFile: pki.clientCertificateFile, keyFile: pki.clientKeyFile)
        let server = EtcdCluster.ServerTLS(certificateFile: pki.serverCertificateFile, keyFile: pki.serverKeyFile, caFile: pki.caFile)
        try await EtcdCluster.with(members: 1, serverTLS: server, clientTLS: client) { cluster in
            let endpoints = await cluster.endpoints
            #expect(endpoints.allSatisfy { $0.hasPrefix("https://") })
            try await withEtcdStore(EtcdConfiguration(endpoints: endpoints, tls: client), logger: quietLogger) { store in
                let revision = try await store.put("/vigil/tls", "ok")
                #expect(try await store.get("/vigil/tls")?.stringValue == "ok")
                let events = try await collectEvents(store.watch(prefix: "/vigil/", fromRevision: revision), count: 1)
                #expect(events.first?.kv.key == "/vigil/tls")
                // The keep-alive stream speaks HTTP/2 over TLS (ALPN h2) with the client certificate.
                let lease = try await store.grantLease(ttl: .seconds(10))
                try await eventually("a renewal on the stream", timeout: .seconds(10), every: .milliseconds(50)) {
                    let result = try await store.keepAlive(lease.id)
                    guard result == .alive(ttl: .seconds(10)) else { throw TestFailure("renewed: \(result)") }
                    return store.keepAliveCounts.stream == 1
                }
            }
            // Without a client certificate etcd refuses the connection.
            let anonymous = EtcdTLSConfiguration(caFile: pki.caFile)
            try await withEtcdStore(EtcdConfiguration(endpoints: endpoints, tls: anonymous), logger: quietLogger) { store in
                _ = await #expect(throws: VigilStoreError.self) { _ = try await store.get("/vigil/tls") }
            }
        }
    }
}
