import Foundation

/// Pacemaker's intervals and timeouts (`10`, `10s`, `500ms`, `2min`, `1h`; a bare number is
/// seconds) as Vigil durations (`500ms`, `10s`, `2m`); nil for what does not read as one
/// (ISO 8601 durations among them).
enum PacemakerDuration {
    static func vigil(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isNumber }
        guard let number = Int(digits) else { return nil }
        switch trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces) {
        case "", "s", "sec", "secs", "second", "seconds": return "\(number)s"
        case "ms", "msec", "msecs": return "\(number)ms"
        case "m", "min", "mins", "minute", "minutes": return "\(number)m"
        case "h", "hr", "hrs", "hour", "hours": return "\(number * 60)m"
        case "us", "usec", "usecs": return number % 1000 == 0 ? "\(number / 1000)ms" : nil
        default: return nil
        }
    }

    /// Whether `text` is a zero interval (a disabled recurring operation).
    static func isZero(_ text: String) -> Bool {
        vigil(text).map { $0.hasPrefix("0") } ?? false
    }
}
