import Foundation

/// The JSON shapes of etcd 3.4's gRPC gateway. Field names are the wire's (snake_case,
/// `ID`/`TTL`); 64-bit integers travel as strings; zero values and empty lists are omitted,
/// so every decoded field is optional.
enum EtcdWire {
    /// An int64 that arrives as a JSON string (or, leniently, a number).
    struct Int64Value: Codable, Sendable {
        var value: Int64

        init(_ value: Int64) { self.value = value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self), let value = Int64(string) {
                self.value = value
            } else {
                self.value = try container.decode(Int64.self)
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(String(value))
        }
    }

    struct Header: Decodable, Sendable {
        // member_id and cluster_id exceed Int64.max: they are not decoded.
        var revision: Int64Value?
    }

    struct KV: Decodable, Sendable {
        var key: String?
        var value: String?
        var create_revision: Int64Value?
        var mod_revision: Int64Value?
        var version: Int64Value?
        var lease: Int64Value?
    }

    struct RangeRequest: Encodable, Sendable {
        var key: String
        var range_end: String?
        var limit: Int64Value?
        var revision: Int64Value?
        var sort_order: String?
        var sort_target: String?
        var keys_only: Bool?
        var count_only: Bool?
    }

    struct RangeResponse: Decodable, Sendable {
        var header: Header?
        var kvs: [KV]?
        var more: Bool?
        var count: Int64Value?
    }

    struct PutRequest: Encodable, Sendable {
        var key: String
        var value: String
        var lease: Int64Value?
    }

    struct DeleteRangeRequest: Encodable, Sendable {
        var key: String
        var range_end: String?
    }

    struct DeleteRangeResponse: Decodable, Sendable {
        var header: Header?
        var deleted: Int64Value?
    }

    struct PutResponse: Decodable, Sendable {
        var header: Header?
    }

    struct Compare: Encodable, Sendable {
        var key: String
        var target: String
        var result: String
        var value: String?
        var create_revision: Int64Value?
        var mod_revision: Int64Value?
        var version: Int64Value?
        var lease: Int64Value?
    }

    struct RequestOp: Encodable, Sendable {
        var request_range: RangeRequest?
        var request_put: PutRequest?
        var request_delete_range: DeleteRangeRequest?
    }

    struct TxnRequest: Encodable, Sendable {
        var compare: [Compare]
        var success: [RequestOp]
        var failure: [RequestOp]
    }

    struct ResponseOp: Decodable, Sendable {
        var response_range: RangeResponse?
        var response_put: PutResponse?
        var response_delete_range: DeleteRangeResponse?
    }

    struct TxnResponse: Decodable, Sendable {
        var header: Header?
        var succeeded: Bool?
        var responses: [ResponseOp]?
    }

    struct LeaseGrantRequest: Encodable, Sendable {
        var TTL: Int64Value
    }

    struct LeaseGrantResponse: Decodable, Sendable {
        var header: Header?
        var ID: Int64Value?
        var TTL: Int64Value?
        var error: String?
    }

    struct LeaseIDRequest: Encodable, Sendable {
        var ID: Int64Value
    }

    struct LeaseKeepAliveResponse: Decodable, Sendable {
        var header: Header?
        var ID: Int64Value?
        var TTL: Int64Value?
    }

    struct LeaseTimeToLiveRequest: Encodable, Sendable {
        var ID: Int64Value
        var keys: Bool
    }

    struct LeaseTimeToLiveResponse: Decodable, Sendable {
        var header: Header?
        var ID: Int64Value?
        var TTL: Int64Value?
        var grantedTTL: Int64Value?
        var keys: [String]?
    }

    struct Empty: Decodable, Sendable {}

    struct CompactionRequest: Encodable, Sendable {
        var revision: Int64Value
        var physical: Bool
    }

    struct WatchCreate: Encodable, Sendable {
        var key: String
        var range_end: String?
        var start_revision: Int64Value?
        var prev_kv: Bool
        /// Ask for progress notifications while idle (proof that the stream is alive).
        var progress_notify: Bool = true
    }

    struct WatchRequest: Encodable, Sendable {
        var create_request: WatchCreate
    }

    struct Event: Decodable, Sendable {
        var type: String?
        var kv: KV?
        var prev_kv: KV?
    }

    struct WatchResponse: Decodable, Sendable {
        var header: Header?
        var created: Bool?
        var canceled: Bool?
        var compact_revision: Int64Value?
        var cancel_reason: String?
        var events: [Event]?
    }

    /// One line of a streaming answer: `{"result": …}` or `{"error": …}`.
    struct StreamLine<Result: Decodable & Sendable>: Decodable, Sendable {
        var result: Result?
        var error: ErrorBody?
    }

    /// The gateway's error body: `{"error": "...", "code": 14, "message": "..."}` (unary) or
    /// `{"grpc_code": 14, "http_code": 503, "message": "..."}` (streams).
    struct ErrorBody: Decodable, Sendable {
        var error: String?
        var code: Int?
        var grpc_code: Int?
        var message: String?
    }

    struct AuthenticateRequest: Encodable, Sendable {
        var name: String
        var password: String
    }

    struct AuthenticateResponse: Decodable, Sendable {
        var token: String?
    }

    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    static func encode(_ string: String) -> String { encode(Array(string.utf8)) }

    static func decode(_ base64: String?) throws -> [UInt8] {
        guard let base64 else { return [] }
        guard let data = Data(base64Encoded: base64) else {
            throw VigilStoreError(.invalidResponse, "etcd sent invalid base64")
        }
        return Array(data)
    }

    static func keyValue(_ kv: KV) throws -> KeyValue {
        KeyValue(
            key: String(decoding: try decode(kv.key), as: UTF8.self),
            value: try decode(kv.value),
            createRevision: kv.create_revision?.value ?? 0,
            modRevision: kv.mod_revision?.value ?? 0,
            version: kv.version?.value ?? 0,
            lease: kv.lease?.value ?? 0)
    }
}
