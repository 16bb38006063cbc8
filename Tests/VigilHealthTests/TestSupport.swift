import Foundation
import Synchronization
import Testing
import VigilAgents
import VigilCommand

#if canImport(Glibc)
import Glibc
#endif

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A temporary directory removed by `remove()`.
struct TempDir: Sendable {
    let path: String

    init(_ prefix: String = "vigil-health") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        path = String(cString: result)
        chmod(path, 0o755)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String, mode: Int = 0o644) throws {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file(name))
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a command and requires exit 0.
@discardableResult
func sh(_ argv: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> String {
    let result = try await CommandRunner().run(
        Command(executable: argv[0], arguments: Array(argv.dropFirst()), environment: environment,
            inheritEnvironment: true, timeout: timeout))
    guard result.exitStatus == 0 else {
        throw TestFailure("\(argv.joined(separator: " ")) failed (\(result.termination)): \(result.output)")
    }
    return result.output
}

/// Polls `condition` every 20 ms until it holds or `deadline` passes.
func eventually(within deadline: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
func freePort() throws -> Int {
    try freePorts(1)[0]
}

/// `count` distinct TCP ports on 127.0.0.1 that were free a moment ago, never one handed
/// out before in this process and never from the kernel's ephemeral range (an outgoing
/// connection anywhere on the machine can take such a port between the check and the
/// fixture binding it). All are bound at once before any is released.
func freePorts(_ count: Int) throws -> [Int] {
    var fds: [Int32] = []
    defer { for fd in fds { close(fd) } }
    var ports: [Int] = []
    var tried = 0
    while ports.count < count {
        guard tried < PortBand.size else { throw TestFailure("no free port below the ephemeral range") }
        tried += 1
        let port = PortBand.next()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        guard (try? bind(fd, port: port)) != nil else {
            close(fd)
            continue
        }
        fds.append(fd)
        ports.append(port)
    }
    return ports
}

/// The ports this target's fixtures use: the 6,000 below those VigilStoreTests and
/// VigilNodeTests hand out, which are the 6,000 below the ephemeral range.
private enum PortBand {
    static let size = 6000
    static let low: Int = {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return (text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768) - 2 * size
    }()
    private static let offset = Mutex<Int>(Int(getpid()) % size)

    /// The next port of the band (each once per pass).
    static func next() -> Int {
        offset.withLock { value in
            defer { value = (value + 1) % size }
            return low + value
        }
    }
}

/// Binds `fd` to 127.0.0.1:`port`.
private func bind(_ fd: Int32, port: Int) throws {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestFailure("bind failed") }
}

/// A socket on 127.0.0.1 that listens but never accepts or answers: clients connect
/// (the kernel completes the handshake) and then wait forever.
final class SilentServer: Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard listen(fd, 512) == 0 else { throw TestFailure("listen failed") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}

/// A background process for a test, stopped (with its process group) by `stop()`.
struct Background: Sendable {
    let executor: ProcessExecutor

    static func start(_ name: String, _ command: [String], environment: [String: String] = [:], log: String? = nil) async throws -> Background {
        let executor = ProcessExecutor(
            spec: ProcessSpec(name: name, command: command, environment: environment, logFile: log))
        let started = await executor.perform(ActionRequest(.start))
        guard started.code == .success else { throw TestFailure("\(name) did not start: \(started.output)") }
        return Background(executor: executor)
    }

    func stop(timeout: Duration = .seconds(20)) async {
        _ = await executor.perform(ActionRequest(.stop, timeout: timeout))
    }
}

/// A TCP proxy (Python) from a free port to `target`: mode `forward`, or `cut`
/// (closes both sides after the server's first bytes reached the client).
func startProxy(dir: TempDir, to target: Int, mode: String) async throws -> (Background, Int) {
    let script = """
        import socket, sys, threading
        listen_port, target, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
        def pump(src, dst, cut):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
                    if cut:
                        break
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", listen_port))
        srv.listen(64)
        while True:
            c, _ = srv.accept()
            u = socket.create_connection(("127.0.0.1", target))
            threading.Thread(target=pump, args=(c, u, False), daemon=True).start()
            threading.Thread(target=pump, args=(u, c, mode == "cut"), daemon=True).start()
        """
    try dir.write("proxy-\(mode).py", script)
    let port = try freePort()
    let proxy = try await Background.start(
        "proxy", ["/usr/bin/python3", dir.file("proxy-\(mode).py"), String(port), String(target), mode])
    try await waitForPort(port)
    return (proxy, port)
}

/// Waits until something accepts connections on 127.0.0.1:port; fails at once if
/// `server` (the process expected to listen) has exited.
func waitForPort(_ port: Int, within deadline: Duration = .seconds(30), server: Background? = nil) async throws {
    let ok = await eventually(within: deadline) {
        if let server, await server.executor.perform(ActionRequest(.monitor)).code != .success { return true }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
    if let server, await server.executor.perform(ActionRequest(.monitor)).code != .success {
        throw TestFailure("\(server.executor.spec.name) exited before listening on 127.0.0.1:\(port)")
    }
    if !ok { throw TestFailure("nothing listens on 127.0.0.1:\(port)") }
}
