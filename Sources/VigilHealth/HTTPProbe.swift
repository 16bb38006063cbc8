import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL

/// `http`/`https` checks through async-http-client.
enum HTTPProbe {
    static func check(_ check: HTTPCheck, client: HTTPClient, timeout: Duration) async -> ProbeResult {
        var request = HTTPClientRequest(url: check.url)
        request.method = HTTPMethod(rawValue: check.method.uppercased())
        for (name, value) in check.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.add(name: name, value: value)
        }
        for (name, file) in check.headerFiles.sorted(by: { $0.key < $1.key }) {
            do {
                request.headers.add(name: name, value: try SecretFile.read(file))
            } catch {
                return .fail("\(check.url): header-files.\(name): \(error)")
            }
        }
        if check.insecure || check.caFile != nil {
            var tls = TLSConfiguration.makeClientConfiguration()
            if check.insecure { tls.certificateVerification = .none }
            if let caFile = check.caFile { tls.trustRoots = .file(caFile) }
            request.tlsConfiguration = tls
        }
        let pattern: Regex<AnyRegexOutput>?
        do {
            pattern = try check.expectBody.map { try Regex($0) }
        } catch {
            return .fail("\(check.url): expect-body is not a valid regular expression: \(error)")
        }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.inNanoseconds)))
            var body: [UInt8] = []
            for try await chunk in response.body {
                if body.count < check.bodyLimit {
                    body.append(contentsOf: chunk.readableBytesView.prefix(check.bodyLimit - body.count))
                }
                if pattern == nil || body.count >= check.bodyLimit { break }
            }
            let status = Int(response.status.code)
            guard status == check.expectStatus else {
                return .fail("\(check.url): status \(status), expected \(check.expectStatus)")
            }
            if let pattern, let expected = check.expectBody {
                let text = String(decoding: body, as: UTF8.self)
                guard text.contains(pattern) else {
                    return .fail("\(check.url): status \(status) but the body does not match /\(expected)/")
                }
            }
            return .pass("\(check.url): status \(status)")
        } catch {
            return .fail("\(check.url): \(describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout: return "no answer in time"
            case .connectTimeout: return "connect timed out"
            case .remoteConnectionClosed: return "server closed the connection"
            default: return "\(client)"
            }
        }
        if let tls = error as? NIOSSLError { return "TLS: \(tls)" }
        return ProbeErrors.describe(error)
    }
}
