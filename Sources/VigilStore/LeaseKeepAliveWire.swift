import NIOCore

/// The two protobuf messages of etcd's `Lease/LeaseKeepAlive` RPC, and gRPC's message
/// framing, encoded by hand.
///
/// Why not generated code: the stream carries one request type with one field and reads
/// three fields of one response type; etcd's `rpc.proto` pulls in gogoproto and the
/// gateway annotations, and generating it would add swift-protobuf's build to every CI run
/// for two messages. The encodings below are the protobuf wire format (varints, tags
/// `field << 3 | wire type`), unknown fields skipped as the format requires.
enum LeaseKeepAliveWire {
    /// The RPC's path on the HTTP/2 connection.
    static let path = "/etcdserverpb.Lease/LeaseKeepAlive"

    /// A decoded `LeaseKeepAliveResponse`.
    struct Response: Equatable {
        /// The lease renewed (field 2).
        var id: Int64
        /// Its TTL after the renewal in seconds, 0 or less when it no longer exists (field 3).
        var ttl: Int64
    }

    /// Why a message could not be read.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// One gRPC message (uncompressed flag, 4-byte big-endian length, the protobuf bytes) of
    /// `LeaseKeepAliveRequest{ID: lease}`.
    static func request(lease: Int64, allocator: ByteBufferAllocator) -> ByteBuffer {
        var body: [UInt8] = [0x08]  // field 1, varint
        appendVarint(UInt64(bitPattern: lease), to: &body)
        var buffer = allocator.buffer(capacity: 5 + body.count)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(body.count))
        buffer.writeBytes(body)
        return buffer
    }

    /// Takes every complete gRPC message from the front of `buffer` (leaving a partial one).
    /// - Throws: ``Malformed`` for a compressed message (none was asked for) or one too large.
    static func takeMessages(from buffer: inout ByteBuffer) throws -> [[UInt8]] {
        var messages: [[UInt8]] = []
        while buffer.readableBytes >= 5 {
            guard let flag = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
                let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self)
            else { break }
            guard flag == 0 else { throw Malformed(description: "a compressed gRPC message (none was asked for)") }
            guard length <= 1 << 20 else { throw Malformed(description: "a gRPC message of \(length) bytes") }
            guard buffer.readableBytes >= 5 + Int(length) else { break }
            buffer.moveReaderIndex(forwardBy: 5)
            if let bytes = buffer.readBytes(length: Int(length)) { messages.append(bytes) }
        }
        return messages
    }

    /// Decodes a `LeaseKeepAliveResponse` (the header, field 1, is skipped).
    /// - Throws: ``Malformed`` when the bytes are not a valid protobuf message.
    static func response(_ bytes: [UInt8]) throws -> Response {
        var response = Response(id: 0, ttl: 0)
        var index = 0
        while index < bytes.count {
            let tag = try readVarint(bytes, &index)
            let field = tag >> 3
            switch tag & 7 {
            case 0:
                let value = Int64(bitPattern: try readVarint(bytes, &index))
                if field == 2 { response.id = value }
                if field == 3 { response.ttl = value }
            case 1:
                index += 8
            case 2:
                let length = try readVarint(bytes, &index)
                guard length <= UInt64(bytes.count - index) else { throw Malformed(description: "a field runs past the message") }
                index += Int(length)
            case 5:
                index += 4
            default:
                throw Malformed(description: "wire type \(tag & 7) of field \(field)")
            }
            guard index <= bytes.count else { throw Malformed(description: "a field runs past the message") }
        }
        return response
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    static func readVarint(_ bytes: [UInt8], _ index: inout Int) throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            guard shift < 64 else { break }
        }
        throw Malformed(description: "a truncated or overlong varint")
    }
}
