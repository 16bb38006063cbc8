import NIOCore
import NIOHTTP1
import NIOPosix

/// The local servers the probes hit: runs until killed.
enum BenchServer {
    static func run(tcpPort: Int, httpPort: Int) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tcp = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { $0.pipeline.addHandler(CloseHandler()) }
            .bind(host: "127.0.0.1", port: tcpPort).get()
        let http = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(OKHandler()) }
            }
            .bind(host: "127.0.0.1", port: httpPort).get()
        try await tcp.closeFuture.get()
        try await http.closeFuture.get()
    }
}
