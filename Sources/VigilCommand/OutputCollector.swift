/// Keeps the first `limit` bytes of a stream and counts the rest.
struct OutputCollector: Sendable {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var discarded = 0

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        let room = limit - bytes.count
        if room >= chunk.count {
            bytes.append(contentsOf: chunk)
        } else {
            if room > 0 { bytes.append(contentsOf: chunk.prefix(room)) }
            discarded += chunk.count - max(room, 0)
        }
    }

    var text: String {
        String(decoding: bytes, as: UTF8.self)
    }
}
