/// What may go into one `key=value` line of a fence agent's standard input.
enum FenceLine {
    /// Whether `value` stays on one line: no LF, CR or NUL. Checked on bytes, because a
    /// CR LF pair is one Swift character that is not "\n".
    static func isLine(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0 }
    }

    /// Whether `key` can be the left side of a line.
    static func isKey(_ key: String) -> Bool {
        !key.isEmpty && isLine(key) && !key.utf8.contains(UInt8(ascii: "="))
    }

    /// `text` with its line breaks and NULs made visible, for messages and field paths.
    static func visible(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\0": result += "\\0"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
