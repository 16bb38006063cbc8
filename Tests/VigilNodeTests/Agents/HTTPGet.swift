import Foundation
import Glibc

/// Whether `GET /` on 127.0.0.1:`port` answers 200 (a blocking socket with short timeouts).
func httpOK(port: Int) -> Bool {
    httpStatus(port: port, path: "/") == 200
}

/// The status code of `GET path` on 127.0.0.1:`port` over HTTP/1.0 (nil: no answer).
func httpStatus(port: Int, path: String) -> Int? {
    guard let fd = connectLoopback(port: port, timeout: timeval(tv_sec: 0, tv_usec: 500_000)) else { return nil }
    defer { close(fd) }
    let request = Array("GET \(path) HTTP/1.0\r\n\r\n".utf8)
    guard send(fd, request, request.count, 0) == request.count else { return nil }
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = recv(fd, &buffer, buffer.count, 0)
    guard count > 12 else { return nil }
    let head = String(decoding: buffer[0..<count], as: UTF8.self)
    guard head.hasPrefix("HTTP/1.") else { return nil }
    return Int(head.dropFirst(9).prefix(3))
}

/// The body of `GET path` on 127.0.0.1:`port` over HTTP/1.0 (nil: no answer).
func httpBody(port: Int, path: String) -> String? {
    guard let fd = connectLoopback(port: port, timeout: timeval(tv_sec: 2, tv_usec: 0)) else { return nil }
    defer { close(fd) }
    let request = Array("GET \(path) HTTP/1.0\r\n\r\n".utf8)
    guard send(fd, request, request.count, 0) == request.count else { return nil }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        answer += buffer[0..<count]
    }
    let text = String(decoding: answer, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { return nil }
    return String(text[split.upperBound...])
}

/// The value of an unlabelled metric in a Prometheus exposition (nil: absent).
func metricValue(_ exposition: String, _ name: String) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(name + " ") {
        return Double(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces))
    }
    return nil
}

/// A TCP connection to 127.0.0.1:`port` with `timeout` on its reads and writes (a blocking
/// socket; nil: not connected). The caller closes it.
func connectLoopback(port: Int, timeout: timeval) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var timeout = timeout
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        return nil
    }
    return fd
}
