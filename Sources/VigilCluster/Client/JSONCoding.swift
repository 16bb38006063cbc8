package import Foundation

/// JSON encoding of records, with sorted keys so values are stable.
package enum JSONCoding {
    package static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw VigilClusterError(.invalidArgument, "cannot encode \(T.self): \(error)")
        }
    }
}

/// RFC 3339 text for dates (UTC, milliseconds).
package enum RFC3339 {
    package static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
