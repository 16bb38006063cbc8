import CRabbitMQ

#if canImport(Glibc)
import Glibc
#endif

/// A blocking AMQP round trip through rabbitmq-c; run only through `BlockingCall`.
enum AMQPClient {
    // Method numbers (the C macros carry casts Swift cannot import).
    private static let basicGetOK: amqp_method_number_t = 0x003C_0047
    private static let basicGetEmpty: amqp_method_number_t = 0x003C_0048

    /// Connects, opens channel 1, declares an exclusive auto-delete server-named
    /// queue, publishes `payload` to it through the default exchange, gets it back and
    /// compares. Every socket wait is bounded by `timeout`.
    static func roundTrip(_ check: AMQPCheck, password: String, payload: String, timeout: Duration) -> ProbeResult {
        let target = "\(check.host):\(check.port)"
        let started = ContinuousClock.now
        guard let connection = amqp_new_connection() else { return .fail("amqp \(target): out of memory") }
        defer { amqp_destroy_connection(connection) }
        guard let socket = amqp_tcp_socket_new(connection) else { return .fail("amqp \(target): cannot create socket") }
        // Socket timeouts are a backstop that frees the thread; the caller's deadline, at
        // `timeout`, decides the result.
        let nanos = max(1_000_000, timeout.inNanoseconds) + 500_000_000
        var limit = timeval(tv_sec: Int(nanos / 1_000_000_000), tv_usec: Int((nanos % 1_000_000_000) / 1000))
        let opened = amqp_socket_open_noblock(socket, check.host, Int32(check.port), &limit)
        guard opened == AMQP_STATUS_OK.rawValue else {
            return .fail("amqp \(target): \(String(cString: amqp_error_string2(opened)))")
        }
        amqp_set_handshake_timeout(connection, &limit)
        amqp_set_rpc_timeout(connection, &limit)
        let login = vigil_amqp_login_plain(connection, check.vhost, check.user, password)
        guard login.reply_type == AMQP_RESPONSE_NORMAL else {
            return .fail("amqp \(target): login as \(check.user) failed: \(describe(login))")
        }
        defer { amqp_connection_close(connection, Int32(AMQP_REPLY_SUCCESS)) }
        guard amqp_channel_open(connection, 1) != nil else {
            return .fail("amqp \(target): channel.open failed: \(describe(amqp_get_rpc_reply(connection)))")
        }
        guard let declared = amqp_queue_declare(connection, 1, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table) else {
            return .fail("amqp \(target): queue.declare failed: \(describe(amqp_get_rpc_reply(connection)))")
        }
        let queue = amqp_bytes_malloc_dup(declared.pointee.queue)
        defer { amqp_bytes_free(queue) }
        let published = payload.withCString { body in
            amqp_basic_publish(connection, 1, amqp_empty_bytes, queue, 0, 0, nil, amqp_cstring_bytes(body))
        }
        guard published == AMQP_STATUS_OK.rawValue else {
            return .fail("amqp \(target): basic.publish failed: \(String(cString: amqp_error_string2(published)))")
        }
        while true {
            let reply = amqp_basic_get(connection, 1, queue, 1)
            guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
                return .fail("amqp \(target): basic.get failed: \(describe(reply))")
            }
            if reply.reply.id == basicGetOK {
                var message = amqp_message_t()
                let read = amqp_read_message(connection, 1, &message, 0)
                guard read.reply_type == AMQP_RESPONSE_NORMAL else {
                    return .fail("amqp \(target): reading the message failed: \(describe(read))")
                }
                defer { amqp_destroy_message(&message) }
                let body = message.body
                let received = body.bytes.map {
                    String(decoding: UnsafeRawBufferPointer(start: $0, count: body.len), as: UTF8.self)
                } ?? ""
                guard received == payload else {
                    return .fail("amqp \(target): got a different message back (\(received.prefix(80)))")
                }
                _ = amqp_channel_close(connection, 1, Int32(AMQP_REPLY_SUCCESS))
                return .pass("amqp \(target): published and got back a message")
            }
            guard reply.reply.id == basicGetEmpty else {
                return .fail("amqp \(target): unexpected reply to basic.get")
            }
            if ContinuousClock.now - started > timeout {
                return ProbeResult(passed: false, message: "amqp \(target): message not delivered within \(timeout)", timedOut: true)
            }
            usleep(2000)
        }
    }

    private static func describe(_ reply: amqp_rpc_reply_t) -> String {
        AMQPReplyText.describe(reply)
    }
}
