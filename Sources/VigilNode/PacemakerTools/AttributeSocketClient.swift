import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The tools' side of ``AttributeSocketServer``: HTTP over the local agent's Unix socket,
/// each request bounded in time so that an agent that does not answer fails the tool
/// instead of hanging the resource agent that called it.
struct AttributeSocketClient {
    /// The socket.
    var path: String
    /// How long one request may take.
    var timeout: Duration = .seconds(5)

    /// What the server answered.
    struct Answer {
        var status: Int
        var body: String
    }

    /// Sends a request; `body` is the value of a write.
    ///
    /// - Throws: ``PacemakerToolError`` `unavailable` when the agent cannot be reached.
    func send(_ method: HTTPMethod, _ uri: String, body: String? = nil) async throws(PacemakerToolError) -> Answer {
        guard let url = URL(httpURLWithSocketPath: path, uri: uri) else {
            throw .unavailable("cannot address the agent's socket \(path)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(timeout.milliseconds))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return Answer(status: Int(response.status.code), body: String(buffer: bytes))
        } catch {
            throw .unavailable("the local Vigil agent did not answer on \(path): \(error)")
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
