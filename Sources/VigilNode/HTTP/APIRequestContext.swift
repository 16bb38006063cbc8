import Hummingbird
import NIOCore

/// The request context of the agent's HTTP API: Hummingbird's core context plus the
/// client's address (logged when a write is refused).
struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
