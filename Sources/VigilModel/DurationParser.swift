/// Parses Vigil durations: a whole number followed by `ms`, `s`, `m` or `h` (`500ms`,
/// `3s`, `2m`, `1h`). A bare `0` is zero.
public enum DurationParser {
    /// Returns the duration, or nil when `text` is not of that form.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace()
        if trimmed == "0" { return .zero }
        let digits = trimmed.prefix(while: \.isASCIIDigitCharacter)
        guard !digits.isEmpty, digits.count <= 12, let amount = Int64(digits) else { return nil }
        switch trimmed.dropFirst(digits.count) {
        case "ms": return .milliseconds(amount)
        case "s": return .seconds(amount)
        case "m": return .seconds(amount * 60)
        case "h": return .seconds(amount * 3600)
        default: return nil
        }
    }

    /// Formats a duration the way it is written in configuration (`1500ms`, `3s`, `2m`).
    public static func format(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if ms % 3_600_000 == 0 && ms != 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 && ms != 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
