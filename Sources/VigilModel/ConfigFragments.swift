internal import Yams

/// One owner's part of a cluster configuration (the operator's file, or what a service's
/// tooling applied for it).
public struct ConfigFragment: Sendable, Hashable {
    /// Who owns it: `operator` for the operator's configuration, else a name such as
    /// `keystone`.
    public var owner: String
    /// Its YAML text.
    public var yaml: String
    /// How errors name it (default `fragment <owner>`; the operator's file name when it is
    /// being applied from a file).
    public var file: String

    /// Creates a fragment.
    public init(owner: String, yaml: String, file: String? = nil) {
        self.owner = owner
        self.yaml = yaml
        self.file = file ?? "fragment \(owner)"
    }
}

/// The configuration several owners' fragments make together, and who owns what.
public struct MergedConfig: Sendable {
    /// The decoded, validated configuration.
    public var config: ClusterConfig
    /// Its YAML text (the operator's text unchanged when it is the only fragment).
    public var yaml: String
    /// Resource or group name → its owner.
    public var owners: [String: String]
    /// Owner → the constraints it contributed (in the merged list's order, as indexes).
    public var constraintOwners: [Int: String]
    /// Node → attribute → the owner that set it (the operator's own attributes included).
    public var attributeOwners: [String: [String: String]]
}

/// Merges config fragments: the operator's configuration (`cluster`, `nodes`, everything)
/// plus the resources, groups, constraints and node attributes of every other owner.
///
/// The whole is validated as one (a fragment may refer to another's resources); every
/// problem names the fragment it is in and its line there. Two owners may not define the
/// same resource or group, nor set the same attribute of a node.
public enum ConfigFragments {
    /// The operator's owner name (`vigil config apply FILE`).
    public static let operatorOwner = "operator"

    /// What a fragment other than the operator's may hold.
    public static let fragmentSections: Set<String> = ["resources", "groups", "constraints", "nodes"]

    /// Merges `fragments` (one of them the operator's) into one validated configuration.
    ///
    /// - Throws: `VigilModelError` with every problem, each naming its fragment, line and
    ///   field: a syntax error, a section only the operator sets, a name two owners
    ///   define, an attribute of a node the operator did not configure, or anything the
    ///   merged configuration fails to validate on.
    public static func merge(_ fragments: [ConfigFragment]) throws(VigilModelError) -> MergedConfig {
        guard let base = fragments.first(where: { $0.owner == operatorOwner }) else {
            let owners = fragments.map(\.owner).sorted().joined(separator: ", ")
            throw VigilModelError(
                code: .invalidConfig,
                diagnostics: [
                    Diagnostic(
                        file: fragments.first?.file ?? "configuration", line: 0, column: 0, path: "",
                        message: "no operator configuration to add \(owners.isEmpty ? "fragments" : owners) to: apply the cluster's configuration first (vigil config apply FILE)")
                ])
        }
        let others = fragments.filter { $0.owner != operatorOwner }.sorted { $0.owner < $1.owner }
        if others.isEmpty {
            let config = try ConfigDecoder.decode(yaml: base.yaml, file: base.file)
            return MergedConfig(
                config: config, yaml: base.yaml, owners: ownersOfAll(config, owner: operatorOwner),
                constraintOwners: Dictionary(uniqueKeysWithValues: config.constraints.indices.map { ($0, operatorOwner) }),
                attributeOwners: config.nodes.reduce(into: [:]) { owners, node in
                    owners[node.name] = node.attributes.mapValues { _ in operatorOwner }
                })
        }
        var merger = FragmentMerger()
        merger.add(base: base)
        for fragment in others { merger.add(fragment) }
        guard merger.diagnostics.isEmpty, let root = merger.root() else {
            throw VigilModelError(code: .syntax, diagnostics: merger.diagnostics)
        }
        let config: ClusterConfig
        do {
            config = try ConfigDecoder.decode(root: root, path: "", reader: YAMLReader(file: base.file))
        } catch {
            throw VigilModelError(code: error.code, diagnostics: error.diagnostics.map(merger.attribute))
        }
        let yaml: String
        do {
            yaml = try Yams.serialize(node: root)
        } catch {
            throw VigilModelError(
                code: .invalidConfig,
                diagnostics: [Diagnostic(file: base.file, line: 0, column: 0, path: "", message: "the merged configuration cannot be written out: \(error)")])
        }
        var owners: [String: String] = [:]
        for (index, resource) in config.resources.enumerated() { owners[resource.name] = merger.resourceOwners[index] }
        for (index, group) in config.groups.enumerated() { owners[group.name] = merger.groupOwners[index] }
        return MergedConfig(
            config: config, yaml: yaml, owners: owners,
            constraintOwners: Dictionary(uniqueKeysWithValues: merger.constraintOwners.enumerated().map { ($0, $1) }),
            attributeOwners: merger.attributeOwners)
    }

    static func ownersOfAll(_ config: ClusterConfig, owner: String) -> [String: String] {
        var owners: [String: String] = [:]
        for resource in config.resources { owners[resource.name] = owner }
        for group in config.groups { owners[group.name] = owner }
        return owners
    }
}
