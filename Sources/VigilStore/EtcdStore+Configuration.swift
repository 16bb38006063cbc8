import Foundation
import NIOSSL

extension EtcdStore {
    static func normalizedEndpoints(_ endpoints: [String]) throws -> [String] {
        guard !endpoints.isEmpty else {
            throw VigilStoreError(.invalidConfiguration, "no etcd endpoints configured")
        }
        return try endpoints.map { raw in
            var endpoint = raw.trimmingCharacters(in: .whitespaces)
            while endpoint.hasSuffix("/") { endpoint.removeLast() }
            guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://"),
                let url = URL(string: endpoint), url.host != nil
            else {
                throw VigilStoreError(
                    .invalidConfiguration, "etcd endpoint '\(raw)' is not an http:// or https:// URL")
            }
            return endpoint
        }
    }

    static func makeTLSConfiguration(_ tls: EtcdTLSConfiguration) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        func requireFile(_ path: String, _ what: String) throws {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw VigilStoreError(.invalidConfiguration, "cannot read etcd TLS \(what) file '\(path)'")
            }
        }
        do {
            if let caFile = tls.caFile {
                try requireFile(caFile, "CA")
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            }
            switch (tls.certificateFile, tls.keyFile) {
            case (let certificateFile?, let keyFile?):
                try requireFile(certificateFile, "certificate")
                try requireFile(keyFile, "key")
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            case (nil, nil):
                break
            default:
                throw VigilStoreError(
                    .invalidConfiguration, "an etcd TLS client certificate needs both certificateFile and keyFile")
            }
        } catch let error as VigilStoreError {
            throw error
        } catch {
            throw VigilStoreError(.invalidConfiguration, "cannot load etcd TLS files", cause: error)
        }
        if tls.skipHostnameVerification { configuration.certificateVerification = .noHostnameVerification }
        return configuration
    }
}
