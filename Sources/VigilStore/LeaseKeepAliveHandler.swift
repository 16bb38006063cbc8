import NIOCore
import NIOHPACK
import NIOHTTP2

/// One renewal sent down a ``LeaseKeepAliveHandler``'s stream.
struct LeaseKeepAliveSend {
    /// The lease to renew.
    var lease: Int64
    /// Completed with the TTL etcd answered (0 or less: the lease is gone), or failed when
    /// the stream ends first.
    var promise: EventLoopPromise<Int64>
}

/// Why a renewal on the keep-alive stream did not give an answer.
enum LeaseStreamError: Error, CustomStringConvertible {
    /// etcd rejected the auth token.
    case badToken(String)
    /// The stream or its connection ended, or could not be opened.
    case ended(String)

    var description: String {
        switch self {
        case .badToken(let message): "etcd rejected the auth token: \(message)"
        case .ended(let why): "the keep-alive stream ended: \(why)"
        }
    }
}

/// Drives one gRPC `LeaseKeepAlive` call on an HTTP/2 stream: writes the request headers
/// when the stream opens, a message per ``LeaseKeepAliveSend``, and completes the sends'
/// promises with etcd's answers in order (etcd answers a stream's requests one by one, in
/// the order sent).
///
/// Every renewal keeps its slot until answered or the stream ends, however long its caller
/// waited: a late answer is matched to its own renewal, never credited to a later one —
/// which would date the lease from a send time etcd never renewed at.
final class LeaseKeepAliveHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = LeaseKeepAliveSend
    typealias OutboundOut = HTTP2Frame.FramePayload

    /// Renewals unanswered at once beyond which the stream is deemed stuck and closed.
    static let maximumOutstanding = 16

    private struct Slot {
        var lease: Int64
        var promise: EventLoopPromise<Int64>
    }

    private let headers: HPACKHeaders
    private var slots: [Slot] = []
    private var received: ByteBuffer
    private var ended: LeaseStreamError?

    /// A handler whose stream opens with `headers` (the request's pseudo-headers, content
    /// type and metadata).
    init(headers: HPACKHeaders) {
        self.headers = headers
        self.received = ByteBuffer()
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
        context.fireChannelActive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let send = unwrapOutboundIn(data)
        if let ended {
            send.promise.fail(ended)
            promise?.fail(ended)
            return
        }
        guard slots.count < Self.maximumOutstanding else {
            end(.ended("\(slots.count) renewals unanswered"), context: context)
            send.promise.fail(LeaseStreamError.ended("stuck"))
            promise?.fail(LeaseStreamError.ended("stuck"))
            return
        }
        slots.append(Slot(lease: send.lease, promise: send.promise))
        let message = LeaseKeepAliveWire.request(lease: send.lease, allocator: context.channel.allocator)
        context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(message)))), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let frame):
            if let status = frame.headers.first(name: ":status"), status != "200" {
                end(.ended("HTTP status \(status)"), context: context)
            } else if let status = frame.headers.first(name: "grpc-status") {
                let message = frame.headers.first(name: "grpc-message")?.removingPercentEncoding ?? "gRPC status \(status)"
                end(EtcdStore.isBadTokenMessage(message) ? .badToken(message) : .ended(message), context: context)
            } else if frame.endStream {
                end(.ended("etcd closed the stream"), context: context)
            }
        case .data(let frame):
            if case .byteBuffer(var bytes) = frame.data { received.writeBuffer(&bytes) }
            do {
                for message in try LeaseKeepAliveWire.takeMessages(from: &received) {
                    try answer(LeaseKeepAliveWire.response(message))
                }
            } catch {
                end(.ended("\(error)"), context: context)
            }
            if frame.endStream { end(.ended("etcd closed the stream"), context: context) }
        case .rstStream(let code):
            end(.ended("stream reset (\(code))"), context: context)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        end(.ended("connection closed"), context: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        end(.ended("\(error)"), context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        end(.ended("stream removed"), context: nil)
    }

    private func answer(_ response: LeaseKeepAliveWire.Response) throws {
        guard !slots.isEmpty else {
            throw LeaseKeepAliveWire.Malformed(description: "an answer for lease \(response.id) nobody asked for")
        }
        let slot = slots.removeFirst()
        guard slot.lease == response.id else {
            slots.insert(slot, at: 0)
            throw LeaseKeepAliveWire.Malformed(description: "an answer for lease \(response.id) where \(slot.lease) was expected")
        }
        slot.promise.succeed(response.ttl)
    }

    /// Fails every waiting renewal and every later one, and closes the stream.
    private func end(_ reason: LeaseStreamError, context: ChannelHandlerContext?) {
        guard ended == nil else { return }
        ended = reason
        let waiting = slots
        slots.removeAll()
        for slot in waiting { slot.promise.fail(reason) }
        context?.close(promise: nil)
    }
}
