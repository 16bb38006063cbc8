/// Where each field of a decoded file came from, so that checks made after decoding
/// (for example against an OCF agent's meta-data, at the edge) can name the file, line
/// and field like the decoder does.
public struct SourceMap: Sendable, Hashable {
    /// The file's name as given to the decoder.
    public let file: String
    let positions: [String: Position]

    struct Position: Sendable, Hashable {
        var line: Int
        var column: Int
    }

    init(file: String, marks: [String: (line: Int, column: Int)]) {
        self.file = file
        self.positions = marks.mapValues { Position(line: $0.line, column: $0.column) }
    }

    /// A diagnostic for the field at `path` (e.g. `resources[2].params`), positioned at
    /// that field or, when it is absent from the file, at its closest enclosing field.
    public func diagnostic(at path: String, _ message: String) -> Diagnostic {
        var probe = path
        var position = positions[probe]
        while position == nil, let cut = probe.lastIndex(where: { $0 == "." || $0 == "[" }) {
            probe = String(probe[..<cut])
            position = positions[probe]
        }
        return Diagnostic(file: file, line: position?.line ?? 0, column: position?.column ?? 0, path: path, message: message)
    }
}
