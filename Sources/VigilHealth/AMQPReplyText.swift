import CRabbitMQ

/// rabbitmq-c replies as text, for messages that say what the broker answered.
enum AMQPReplyText {
    private static let connectionClose: amqp_method_number_t = 0x000A_0032
    private static let channelClose: amqp_method_number_t = 0x0014_0028

    /// A library or server reply in words (the server's close code and text, if any).
    static func describe(_ reply: amqp_rpc_reply_t) -> String {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return "ok"
        case AMQP_RESPONSE_NONE:
            return "no reply"
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return String(cString: amqp_error_string2(reply.library_error))
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == connectionClose, let decoded = reply.reply.decoded {
                let close = decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                return "server closed the connection: \(close.reply_code) \(text(close.reply_text))"
            }
            if reply.reply.id == channelClose, let decoded = reply.reply.decoded {
                let close = decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                return "server closed the channel: \(close.reply_code) \(text(close.reply_text))"
            }
            return "server exception (method 0x\(String(reply.reply.id, radix: 16)))"
        default:
            return "unknown reply"
        }
    }

    /// The bytes as UTF-8 text.
    static func text(_ bytes: amqp_bytes_t) -> String {
        guard let start = bytes.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: bytes.len), as: UTF8.self)
    }
}
