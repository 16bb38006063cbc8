import CRabbitMQ

#if canImport(Glibc)
import Glibc
#endif

/// One blocking AMQP 0-9-1 connection with channel 1 open, through rabbitmq-c; used only
/// through ``BlockingCall`` (and by tests). Every socket wait is bounded by the timeout it
/// was opened with. Errors are messages that name the broker.
final class AMQPSession {
    private static let basicGetOK: amqp_method_number_t = 0x003C_0047
    private static let basicGetEmpty: amqp_method_number_t = 0x003C_0048
    private static let connectionClose: amqp_method_number_t = 0x000A_0032

    /// `host:port`, for messages.
    let target: String
    private let connection: amqp_connection_state_t
    private var limit: timeval
    private var open = false
    private var confirming = false
    private var nextTag: UInt64 = 1

    /// A failure, as text.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// Nothing came back in time.
        var timedOut = false
    }

    /// Connects and logs in (PLAIN), opens channel 1.
    init(host: String, port: Int, vhost: String, user: String, password: String, timeout: Duration) throws(Failure) {
        target = "\(host):\(port)"
        guard let connection = amqp_new_connection() else { throw Failure(description: "amqp \(target): out of memory") }
        self.connection = connection
        let nanos = max(1_000_000, timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        limit = timeval(tv_sec: Int(nanos / 1_000_000_000), tv_usec: Int((nanos % 1_000_000_000) / 1000))
        guard let socket = amqp_tcp_socket_new(connection) else { throw Failure(description: "amqp \(target): cannot create a socket") }
        let opened = amqp_socket_open_noblock(socket, host, Int32(port), &limit)
        guard opened == AMQP_STATUS_OK.rawValue else {
            throw Failure(description: "amqp \(target): \(String(cString: amqp_error_string2(opened)))", timedOut: opened == AMQP_STATUS_TIMEOUT.rawValue)
        }
        amqp_set_handshake_timeout(connection, &limit)
        amqp_set_rpc_timeout(connection, &limit)
        let login = vigil_amqp_login_plain(connection, vhost, user, password)
        guard login.reply_type == AMQP_RESPONSE_NORMAL else {
            throw Failure(description: "amqp \(target): login as \(user) failed: \(describe(login))")
        }
        open = true
        guard amqp_channel_open(connection, 1) != nil else {
            throw Failure(description: "amqp \(target): channel.open failed: \(describe(amqp_get_rpc_reply(connection)))")
        }
    }

    deinit {
        if open { amqp_connection_close(connection, Int32(AMQP_REPLY_SUCCESS)) }
        amqp_destroy_connection(connection)
    }

    /// Declares durable quorum queue `queue` (idempotent).
    func declareQuorumQueue(_ queue: String) throws(Failure) {
        guard vigil_amqp_declare_quorum(connection, 1, queue) != nil else {
            throw Failure(description: "amqp \(target): queue.declare \(queue) failed: \(describe(amqp_get_rpc_reply(connection)))")
        }
    }

    /// Publishes a persistent message to `queue` and waits for the broker's confirm
    /// (a NACK — a quorum queue without a majority — is a failure).
    func publishConfirmed(_ body: String, to queue: String) throws(Failure) {
        if !confirming {
            guard amqp_confirm_select(connection, 1) != nil else {
                throw Failure(description: "amqp \(target): confirm.select failed: \(describe(amqp_get_rpc_reply(connection)))")
            }
            confirming = true
        }
        let tag = nextTag
        nextTag += 1
        let published = vigil_amqp_publish_persistent(connection, 1, queue, body)
        guard published == AMQP_STATUS_OK.rawValue else {
            throw Failure(description: "amqp \(target): basic.publish failed: \(String(cString: amqp_error_string2(published)))")
        }
        let outcome = vigil_amqp_wait_confirm(connection, tag, &limit)
        switch outcome {
        case 1: return
        case 0: throw Failure(description: "amqp \(target): publish to \(queue) NACKed (the queue has no majority)")
        case -1: throw Failure(description: "amqp \(target): the broker closed the channel while confirming: \(describe(amqp_get_rpc_reply(connection)))")
        default:
            throw Failure(
                description: "amqp \(target): no confirm: \(String(cString: amqp_error_string2(outcome)))",
                timedOut: outcome == AMQP_STATUS_TIMEOUT.rawValue)
        }
    }

    /// `basic.get` with auto-ack: the body of the next message of `queue`, nil when empty.
    func get(_ queue: String) throws(Failure) -> String? {
        let reply = amqp_basic_get(connection, 1, amqp_cstring_bytes(queue), 1)
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
            throw Failure(description: "amqp \(target): basic.get from \(queue) failed: \(describe(reply))")
        }
        guard reply.reply.id == Self.basicGetOK else {
            guard reply.reply.id == Self.basicGetEmpty else { throw Failure(description: "amqp \(target): unexpected reply to basic.get") }
            return nil
        }
        var message = amqp_message_t()
        let read = amqp_read_message(connection, 1, &message, 0)
        guard read.reply_type == AMQP_RESPONSE_NORMAL else {
            throw Failure(description: "amqp \(target): reading the message failed: \(describe(read))")
        }
        defer { amqp_destroy_message(&message) }
        let body = message.body
        return body.bytes.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: body.len), as: UTF8.self) } ?? ""
    }

    private func describe(_ reply: amqp_rpc_reply_t) -> String {
        // A connection.close from the server ends the connection: nothing to close later.
        if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == Self.connectionClose { open = false }
        return AMQPReplyText.describe(reply)
    }
}
