import VigilCluster
/// The address the HTTP API binds (`vigil agent --listen ADDR`).
///
/// Written `HOST:PORT`, `[IPV6]:PORT`, `HOST` (the default port) or `:PORT` (the default
/// host, loopback). Defaults: ``AgentHTTPServer/defaultHost`` and
/// ``AgentHTTPServer/defaultPort``.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host or literal address to bind (IPv6 without brackets).
    public var host: String
    /// The port to bind (0: any free port).
    public var port: Int

    /// Creates an address.
    public init(host: String = AgentHTTPServer.defaultHost, port: Int = AgentHTTPServer.defaultPort) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPV6]:PORT`, `HOST` or `:PORT`; throws
    /// `VigilClusterError.invalidArgument` for anything else.
    public init(parsing text: String) throws {
        func invalid(_ why: String) -> VigilClusterError {
            VigilClusterError(.invalidArgument, "invalid listen address '\(text)': \(why)")
        }
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw invalid("unclosed '['") }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid("expected ':' after ']'") }
                portText = rest.dropFirst()
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard host.firstIndex(of: ":") == colon else { throw invalid("write IPv6 addresses as [ADDRESS]:PORT") }
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        var port = AgentHTTPServer.defaultPort
        if let portText {
            guard let value = Int(portText), (0...65535).contains(value) else { throw invalid("bad port") }
            port = value
        }
        self.init(host: host.isEmpty ? AgentHTTPServer.defaultHost : String(host), port: port)
    }

    /// `HOST:PORT`, IPv6 addresses in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether the address is loopback only (`127.0.0.0/8`, `::1`, `localhost`): no other
    /// host can reach it.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
