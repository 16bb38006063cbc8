import Foundation

/// A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made
/// with openssl (EC P-256 keys, valid one day).
struct TestPKI {
    var caFile: String
    var serverCertificateFile: String
    var serverKeyFile: String
    var clientCertificateFile: String
    var clientKeyFile: String

    static func make(in directory: URL) async throws -> TestPKI {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let openssl = "/usr/bin/openssl"
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await runTool(openssl, ["req", "-x509"] + ec + ["-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "1", "-subj", "/CN=vigil-test-ca"])
        for (name, extensions) in [("server", "subjectAltName=IP:127.0.0.1"), ("client", "extendedKeyUsage=clientAuth")] {
            try await runTool(openssl, ["req"] + ec + ["-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(name)"])
            try String(extensions + "\n").write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
            try await runTool(openssl, [
                "x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"), "-CAcreateserial",
                "-out", path("\(name).pem"), "-days", "1", "-extfile", path("\(name).ext"),
            ])
        }
        return TestPKI(
            caFile: path("ca.pem"), serverCertificateFile: path("server.pem"), serverKeyFile: path("server.key"),
            clientCertificateFile: path("client.pem"), clientKeyFile: path("client.key"))
    }
}
