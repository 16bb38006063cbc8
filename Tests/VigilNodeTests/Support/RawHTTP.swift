import Foundation
import Glibc

/// An HTTP answer as read off the socket.
struct RawHTTPResponse: Sendable {
    /// The status line, e.g. `HTTP/1.1 200 OK`.
    let statusLine: String
    /// The status code.
    let status: Int
    /// Header fields, names lowercased.
    let headers: [String: String]
    /// The body as text.
    let body: String
}

/// A blocking HTTP client on a plain TCP socket (on a thread of its own, not the
/// cooperative pool): sends exactly the bytes given, as HAProxy's checks do.
enum RawHTTP {
    /// `GET path HTTP/1.1` with a Host header and `Connection: close`.
    static func get(_ path: String, port: Int) async throws -> RawHTTPResponse {
        try await send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n", port: port)
    }

    /// Sends `request` verbatim to 127.0.0.1:`port` and reads one response (until its
    /// Content-Length is read, or the server closes). Gives up after `timeoutSeconds`.
    static func send(_ request: String, port: Int, timeoutSeconds: Int = 10) async throws -> RawHTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            // A thread of its own: Dispatch's global queues share their few threads with
            // Swift's cooperative pool here, and a blocked read there starves the server.
            let thread = Thread {
                continuation.resume(with: Result { try exchange(request, port: port, timeoutSeconds: timeoutSeconds) })
            }
            thread.start()
        }
    }

    /// Whether a TCP connection to 127.0.0.1:`port` is refused (nothing listens).
    static func isRefused(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result != 0 && errno == ECONNREFUSED
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func exchange(_ request: String, port: Int, timeoutSeconds: Int) throws -> RawHTTPResponse {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect to port \(port) failed: \(errno)") }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw TestFailure("write failed: \(errno)") }
            sent += n
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let response = parse(received, complete: false) { return response }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            guard n > 0 else { throw TestFailure("read failed (errno \(errno)) after \(received.count) bytes") }
            received += chunk[..<n]
        }
        guard let response = parse(received, complete: true) else {
            throw TestFailure("incomplete response: \(String(decoding: received, as: UTF8.self))")
        }
        return response
    }

    /// The response in `bytes` if it is complete (`complete`: the peer closed).
    private static func parse(_ bytes: [UInt8], complete: Bool) -> RawHTTPResponse? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let body = Array(bytes[(end + separator.count)...])
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            guard body.count >= length else { return nil }
        } else if !complete {
            return nil
        }
        let statusLine = head.first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        return RawHTTPResponse(statusLine: statusLine, status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }
}
