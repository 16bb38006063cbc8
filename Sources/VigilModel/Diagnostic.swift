/// One problem in an input file, with its position and the field it concerns.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The file's name as given by the caller.
    public var file: String
    /// 1-based line, or 0 when unknown.
    public var line: Int
    /// 1-based column, or 0 when unknown.
    public var column: Int
    /// The field's path, e.g. `resources[2].migration-threshold`.
    public var path: String
    /// What is wrong and what was expected.
    public var message: String

    /// Creates a diagnostic.
    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `file:line:column: path: message`.
    public var description: String {
        let position = line > 0 ? "\(file):\(line):\(column)" : file
        return path.isEmpty ? "\(position): \(message)" : "\(position): \(path): \(message)"
    }
}
