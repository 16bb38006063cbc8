/// Why a CIB could not be imported (STYLE.md: one error type per module, with a code and a
/// message that names the file and line).
public struct VigilImportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The file is not a CIB.
        case invalidXML
    }

    /// The code.
    public var code: Code
    /// The message, with the file and line.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
