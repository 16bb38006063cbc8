import Foundation
import Glibc
import Synchronization

/// Hands out TCP ports on 127.0.0.1 that were free when asked, never the same one twice
/// in this process, and never from the kernel's ephemeral range: a port from that range
/// can be taken, between the check and the test's server binding it, by any outgoing
/// connection on the machine (an etcd client, another suite's flood), and the test's
/// server then fails to start or a client reaches the wrong one.
enum FreePorts {
    private static let handedOut = Mutex<Set<Int>>([])
    /// The band searched: the 12,000 ports below the ephemeral range (32768 on Debian).
    /// VigilHealthTests' allocator uses the band below this one.
    static let band: Range<Int> = {
        let low = EphemeralPorts.low
        return (low - 6000)..<low
    }()
    private static let next = Mutex<Int>(Int(getpid()) % 6000)

    /// `count` distinct free ports (the probing sockets stay open until all are chosen).
    static func take(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        var ports: [Int] = []
        var tried = 0
        while ports.count < count {
            guard tried < band.count else { throw TestFailure("no free port in \(band)") }
            tried += 1
            let port = next.withLock { offset in
                defer { offset = (offset + 1) % band.count }
                return band.lowerBound + offset
            }
            guard handedOut.withLock({ !$0.contains(port) }), let bound = try? bindLoopback(port: port) else { continue }
            sockets.append(bound.0)
            handedOut.withLock { _ = $0.insert(port) }
            ports.append(port)
        }
        return ports
    }

    /// A socket bound to 127.0.0.1:`port` (0: any) and its port.
    static func bindLoopback(port: Int) throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw TestFailure("bind() failed: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A TCP listener on 127.0.0.1 whose connections the kernel accepts (backlog) but that
/// never reads or answers: an etcd endpoint that hangs.
final class SilentListener: Sendable {
    let fd: Int32
    /// Its port.
    let port: Int

    init() throws {
        let (fd, port) = try FreePorts.bindLoopback(port: 0)
        guard listen(fd, 64) == 0 else {
            Glibc.close(fd)
            throw TestFailure("listen() failed: \(errno)")
        }
        self.fd = fd
        self.port = port
    }

    /// `http://127.0.0.1:<port>`.
    var url: String { "http://127.0.0.1:\(port)" }

    func close() { _ = Glibc.close(fd) }
}

/// The kernel's ephemeral port range (`net.ipv4.ip_local_port_range`).
enum EphemeralPorts {
    /// Its first port (32768 if the file cannot be read).
    static var low: Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
    }
}

/// A failure of the test harness itself.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
