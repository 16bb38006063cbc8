/// A Pacemaker score: an integer clamped to ±``Score/infinity``.
///
/// Addition follows Pacemaker: `-INFINITY` wins over everything (so
/// `INFINITY + -INFINITY == -INFINITY`), otherwise `INFINITY` wins, otherwise the sum
/// is clamped to ±1 000 000.
public struct Score: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numeric value of `INFINITY`.
    public static let infinityValue = 1_000_000
    /// `INFINITY`: mandatory placement.
    public static let infinity = Score(infinityValue)
    /// `-INFINITY`: the resource can never run there.
    public static let minusInfinity = Score(-infinityValue)
    /// Zero.
    public static let zero = Score(0)

    /// The clamped value.
    public let value: Int

    /// Creates a score, clamping `value` to ±INFINITY.
    public init(_ value: Int) {
        self.value = min(max(value, -Score.infinityValue), Score.infinityValue)
    }

    /// Whether this is `INFINITY`.
    public var isInfinity: Bool { value == Score.infinityValue }
    /// Whether this is `-INFINITY`.
    public var isMinusInfinity: Bool { value == -Score.infinityValue }
    /// Whether a resource with this total may run (non-negative).
    public var allowsRunning: Bool { value >= 0 }

    /// Pacemaker score addition.
    public static func + (lhs: Score, rhs: Score) -> Score {
        if lhs.isMinusInfinity || rhs.isMinusInfinity { return .minusInfinity }
        if lhs.isInfinity || rhs.isInfinity { return .infinity }
        return Score(lhs.value + rhs.value)
    }

    /// Pacemaker score addition, in place.
    public static func += (lhs: inout Score, rhs: Score) { lhs = lhs + rhs }

    /// Scales a score by `factor` (used when a dependent's preferences feed its primary).
    /// ±INFINITY stays infinite only when `factor` is 1 (or -1, mirrored).
    public func scaled(by factor: Double) -> Score {
        if factor == 1 { return self }
        let product = Double(value) * factor
        return Score(Int(product.rounded(.towardZero)))
    }

    public static func < (lhs: Score, rhs: Score) -> Bool { lhs.value < rhs.value }

    /// `INFINITY`, `-INFINITY` or the integer.
    public var description: String {
        if isInfinity { return "INFINITY" }
        if isMinusInfinity { return "-INFINITY" }
        return String(value)
    }

    /// Parses `INFINITY`, `+INFINITY`, `-INFINITY` (any case) or an integer; values past
    /// ±1 000 000 clamp to ±INFINITY as in Pacemaker. Returns nil for anything else.
    public static func parse(_ text: String) -> Score? {
        let trimmed = text.trimmingWhitespace()
        switch trimmed.uppercased() {
        case "INFINITY", "+INFINITY": return .infinity
        case "-INFINITY": return .minusInfinity
        default: break
        }
        guard let number = Int(trimmed) else {
            // A long run of digits overflows Int: still a score, clamped.
            let body = trimmed.hasPrefix("-") || trimmed.hasPrefix("+") ? trimmed.dropFirst() : Substring(trimmed)
            guard !body.isEmpty, body.allSatisfy(\.isASCIIDigitCharacter) else { return nil }
            return trimmed.hasPrefix("-") ? .minusInfinity : .infinity
        }
        return Score(number)
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
