/// What ``CIBImporter/translate(_:cluster:)`` made of a CIB: the Vigil configuration as YAML,
/// and every problem, in the CIB's order.
public struct ImportResult: Sendable {
    /// The configuration (`vigil config validate` accepts it when ``errors`` is empty).
    public var yaml: String
    /// Every error and note.
    public var problems: [ImportProblem]

    /// The problems that make the output incomplete.
    public var errors: [ImportProblem] { problems.filter { $0.severity == .error } }
}
