/// Something in a CIB that the import could not carry over (an error: the output is refused
/// unless `--partial`), or carried over with a difference worth knowing (a note).
public struct ImportProblem: Sendable, Hashable, CustomStringConvertible {
    /// How much it matters.
    public enum Severity: String, Sendable, Hashable {
        /// Not translated: the configuration is incomplete without it.
        case error
        /// Translated, or left out as meaningless in Vigil, with a difference said here.
        case note
    }

    /// Error or note.
    public var severity: Severity
    /// The element, as `<tag id="…">`.
    public var element: String
    /// Its line in the CIB.
    public var line: Int
    /// What happened, and what to do.
    public var message: String

    /// Creates a problem.
    public init(_ severity: Severity, _ element: CIBElement, _ message: String) {
        self.severity = severity
        self.element = element.label
        self.line = element.line
        self.message = message
    }

    /// `N: <tag id="…">: message`, N the line (the CLI puts the file before it).
    public var description: String { "\(line): \(element): \(severity == .error ? "" : "note: ")\(message)" }
}
