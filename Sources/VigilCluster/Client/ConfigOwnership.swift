public import VigilModel

/// Who owns what in the applied configuration (`vigil config show`).
public struct ConfigOwnership: Sendable {
    /// Owner → its fragment as applied.
    public var fragments: [String: FragmentRecord]
    /// The fragments merged (nil when none is applied, or they no longer merge).
    public var merged: MergedConfig?

    /// Creates a value.
    public init(fragments: [String: FragmentRecord], merged: MergedConfig?) {
        self.fragments = fragments
        self.merged = merged
    }

    /// Owner → the resources and groups it defines, by name.
    public var namesByOwner: [String: [String]] {
        var result: [String: [String]] = [:]
        for (name, owner) in merged?.owners ?? [:] { result[owner, default: []].append(name) }
        return result.mapValues { $0.sorted() }
    }
}
