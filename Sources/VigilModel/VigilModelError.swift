/// The error of the VigilModel module: input that could not be decoded or validated.
///
/// It carries every problem found, each with its position; nothing from an input that
/// produced this error may be applied.
public struct VigilModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure (opaque so that new codes do not break callers).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        /// The text is not YAML.
        public static let syntax = Code(name: "syntax")
        /// A cluster configuration failed validation.
        public static let invalidConfig = Code(name: "invalid-config")
        /// A cluster state failed validation.
        public static let invalidState = Code(name: "invalid-state")
        /// The code's name.
        public var description: String { name }
    }

    /// What kind of failure.
    public var code: Code
    /// Every problem found, in file order.
    public var diagnostics: [Diagnostic]

    /// Creates the error.
    public init(code: Code, diagnostics: [Diagnostic]) {
        self.code = code
        self.diagnostics = diagnostics
    }

    /// A human message: one line per problem.
    public var message: String {
        let header = diagnostics.count == 1 ? "1 error" : "\(diagnostics.count) errors"
        return "\(header):\n" + diagnostics.map { "  " + $0.description }.joined(separator: "\n")
    }

    /// The message.
    public var description: String { message }
}
