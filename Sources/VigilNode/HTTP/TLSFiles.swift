import NIOSSL
import VigilCluster

/// The PEM files the HTTP API serves TLS with (`--tls-cert`, `--tls-key`).
public struct TLSFiles: Sendable, Hashable {
    /// The certificate chain (PEM), the server's certificate first.
    public var certificate: String
    /// The private key (PEM).
    public var key: String

    /// Creates a value.
    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }

    /// The server configuration; loading it checks both files.
    ///
    /// - Throws: ``VigilClusterError`` `invalidConfiguration` naming the file that cannot be used.
    func serverConfiguration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw VigilClusterError(.invalidConfiguration, "--tls-cert \(certificate): \(error)")
        }
        guard !chain.isEmpty else { throw VigilClusterError(.invalidConfiguration, "--tls-cert \(certificate): no certificate in it") }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw VigilClusterError(.invalidConfiguration, "--tls-key \(key): \(error)")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    }

    /// Loads both files now, so that a bad file stops the agent at start.
    public func check() throws {
        _ = try serverConfiguration()
    }
}
