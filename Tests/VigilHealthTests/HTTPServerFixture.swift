import Foundation
import Testing

/// Python HTTP and HTTPS test servers on 127.0.0.1 (self-signed certificate made with
/// openssl), started once for a suite by the `.httpServers` trait.
struct HTTPServers: Sendable {
    @TaskLocal static var current: HTTPServers?

    let dir: TempDir
    let httpPort: Int
    let httpsPort: Int
    let servers: [Background]

    var caFile: String { dir.file("cert.pem") }

    static let script = """
        import http.server, ssl, sys, time
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args):
                pass
            def reply(self, code, body):
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def do_GET(self):
                p = self.path
                if p == "/ok":
                    self.reply(200, b"hello vigil ok")
                elif p.startswith("/status/"):
                    self.reply(int(p[8:]), b"status")
                elif p == "/headers":
                    self.reply(200 if self.headers.get("X-Probe") == "vigil" else 400, b"headers")
                elif p == "/auth":
                    ok = self.headers.get("Authorization") == "Basic dmlnaWw6czNjcmV0"
                    self.reply(200 if ok else 401, b"auth")
                elif p == "/slow":
                    time.sleep(60)
                    self.reply(200, b"late")
                elif p == "/cut":
                    self.wfile.write(b"HTTP/1.1 200 OK\\r\\nContent-Length: 1000\\r\\n\\r\\npartial")
                    self.wfile.flush()
                    self.close_connection = True
                elif p == "/big":
                    self.reply(200, b"needle" + b"x" * 5000000)
                else:
                    self.reply(404, b"not found")
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
        srv.daemon_threads = True
        if len(sys.argv) > 2:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[2], sys.argv[3])
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        srv.serve_forever()
        """

    static func start() async throws -> HTTPServers {
        let dir = try TempDir("vigil-http")
        try dir.write("server.py", script)
        try await sh([
            "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        let httpPort = try freePort()
        let httpsPort = try freePort()
        let http = try await Background.start("http", ["/usr/bin/python3", dir.file("server.py"), String(httpPort)])
        let https = try await Background.start(
            "https", ["/usr/bin/python3", dir.file("server.py"), String(httpsPort), dir.file("cert.pem"), dir.file("key.pem")])
        let servers = HTTPServers(dir: dir, httpPort: httpPort, httpsPort: httpsPort, servers: [http, https])
        do {
            try await waitForPort(httpPort)
            try await waitForPort(httpsPort)
        } catch {
            await servers.stop()
            throw error
        }
        return servers
    }

    func stop() async {
        for server in servers { await server.stop(timeout: .seconds(2)) }
        dir.remove()
    }
}

/// Starts the HTTP servers once around a suite.
struct HTTPServersTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let servers = try await HTTPServers.start()
        do {
            try await HTTPServers.$current.withValue(servers) { try await function() }
        } catch {
            await servers.stop()
            throw error
        }
        await servers.stop()
    }
}

extension Trait where Self == HTTPServersTrait {
    /// Python HTTP/HTTPS servers for the suite.
    static var httpServers: Self { Self() }
}
