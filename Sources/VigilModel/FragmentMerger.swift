internal import Yams

/// Builds the merged YAML tree of several fragments, remembering which owner each list
/// item and node attribute came from, so that a problem found in the merged tree names the
/// fragment (and the line there: each item keeps the position it had in its own text).
struct FragmentMerger {
    private(set) var diagnostics: [Diagnostic] = []
    private var baseEntries: [(key: Node, value: Node)] = []
    private var sections: [String: [Node]] = ["resources": [], "groups": [], "constraints": []]
    private(set) var resourceOwners: [String] = []
    private(set) var groupOwners: [String] = []
    private(set) var constraintOwners: [String] = []
    private var nodes: [Node] = []
    private var nodeNames: [String] = []
    /// Node → attributes added by fragments, in order.
    private var addedAttributes: [String: [(key: Node, value: Node)]] = [:]
    private(set) var attributeOwners: [String: [String: String]] = [:]
    /// Resource or group name → where it was first defined.
    private var definitions: [String: (owner: String, file: String, line: Int)] = [:]
    private var files: [String: String] = [:]

    /// Adds the operator's configuration: every section of it.
    mutating func add(base fragment: ConfigFragment) {
        for (key, name, value) in sections(of: fragment, expected: "a mapping of sections (cluster, nodes, resources, ...)") {
            switch name {
            case "resources", "groups", "constraints":
                take(name, value, from: fragment)
            case "nodes":
                for (index, node) in (value.sequence.map(Array.init) ?? []).enumerated() {
                    let nodeName = node.mapping?["name"]?.string ?? "#\(index)"
                    nodes.append(node)
                    nodeNames.append(nodeName)
                    for (attribute, _) in node.mapping?["attributes"]?.mapping ?? [:] {
                        if let attribute = attribute.string { attributeOwners[nodeName, default: [:]][attribute] = fragment.owner }
                    }
                }
                baseEntries.append((key, value))
            default:
                baseEntries.append((key, value))
            }
        }
    }

    /// Adds another owner's fragment: its resources, groups, constraints and node attributes.
    mutating func add(_ fragment: ConfigFragment) {
        for (key, name, value) in sections(of: fragment, expected: "a mapping with resources, groups, constraints or nodes") {
            switch name {
            case "resources", "groups", "constraints":
                take(name, value, from: fragment)
            case "nodes":
                addAttributes(value, from: fragment)
            default:
                report(
                    fragment, key, name,
                    "only the operator's configuration sets '\(name)'; a fragment holds resources, groups, constraints and node attributes")
            }
        }
    }

    /// The fragment's top-level sections in file order (none when it does not parse or is
    /// not a mapping: reported).
    private mutating func sections(of fragment: ConfigFragment, expected: String) -> [(key: Node, name: String, value: Node)] {
        files[fragment.owner] = fragment.file
        guard let root = compose(fragment) else { return [] }
        guard let mapping = root.mapping else {
            report(fragment, root, "", "expected \(expected)")
            return []
        }
        return mapping.compactMap { key, value in key.string.map { (key, $0, value) } }
    }

    /// The merged tree.
    func root() -> Node? {
        var pairs: [(Node, Node)] = []
        var written: Set<String> = []
        for (key, value) in baseEntries {
            guard let name = key.string else { continue }
            if name == "nodes" {
                pairs.append((key, .sequence(.init(mergedNodes()))))
            } else {
                pairs.append((key, value))
            }
            written.insert(name)
        }
        for name in ["resources", "groups", "constraints"] {
            guard let items = sections[name], !items.isEmpty || written.contains(name) else { continue }
            pairs.append((Node(name), .sequence(.init(items))))
        }
        return .mapping(.init(pairs))
    }

    /// `diagnostic` (found in the merged tree) with the file of the fragment its field came from.
    func attribute(_ diagnostic: Diagnostic) -> Diagnostic {
        var owner = ConfigFragments.operatorOwner
        if let (section, index, rest) = Self.split(diagnostic.path) {
            switch section {
            case "resources": owner = resourceOwners.indices.contains(index) ? resourceOwners[index] : owner
            case "groups": owner = groupOwners.indices.contains(index) ? groupOwners[index] : owner
            case "constraints": owner = constraintOwners.indices.contains(index) ? constraintOwners[index] : owner
            case "nodes":
                if rest.hasPrefix(".attributes."), nodeNames.indices.contains(index) {
                    let attribute = String(rest.dropFirst(".attributes.".count).prefix { $0 != "." && $0 != "[" })
                    owner = attributeOwners[nodeNames[index]]?[attribute] ?? owner
                }
            default: break
            }
        }
        var attributed = diagnostic
        attributed.file = files[owner] ?? "fragment \(owner)"
        return attributed
    }

    // MARK: - Parts

    private mutating func compose(_ fragment: ConfigFragment) -> Node? {
        var reader = YAMLReader(file: fragment.file)
        let root = reader.compose(fragment.yaml)
        diagnostics += reader.diagnostics
        return root
    }

    private mutating func report(_ fragment: ConfigFragment, _ node: Node?, _ path: String, _ message: String) {
        diagnostics.append(
            Diagnostic(file: fragment.file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, path: path, message: message))
    }

    private mutating func take(_ section: String, _ value: Node, from fragment: ConfigFragment) {
        guard let items = value.sequence.map(Array.init) else {
            if value.scalar?.string.isEmpty == false || value.mapping != nil {
                report(fragment, value, section, "expected a list")
            }
            return
        }
        for item in items {
            if section != "constraints", let name = item.mapping?["name"]?.string {
                if let first = definitions[name], first.owner != fragment.owner {
                    report(
                        fragment, item, section,
                        "'\(name)' is already defined by \(first.file) (line \(first.line)); two owners cannot define one name")
                    continue
                }
                definitions[name] = (fragment.owner, fragment.file, item.mark?.line ?? 0)
            }
            sections[section, default: []].append(item)
            switch section {
            case "resources": resourceOwners.append(fragment.owner)
            case "groups": groupOwners.append(fragment.owner)
            default: constraintOwners.append(fragment.owner)
            }
        }
    }

    private mutating func addAttributes(_ value: Node, from fragment: ConfigFragment) {
        guard let entries = value.sequence.map(Array.init) else {
            report(fragment, value, "nodes", "expected a list of {name, attributes}")
            return
        }
        for (index, entry) in entries.enumerated() {
            let path = "nodes[\(index)]"
            guard let mapping = entry.mapping, let name = mapping["name"]?.string else {
                report(fragment, entry, path, "expected {name: NODE, attributes: {...}}")
                continue
            }
            for (key, _) in mapping where key.string != "name" && key.string != "attributes" {
                report(fragment, key, path + ".\(key.string ?? "?")", "a fragment sets only the attributes of a node")
            }
            guard nodeNames.contains(name) else {
                report(fragment, entry, path + ".name", "no node named '\(name)' in the operator's configuration")
                continue
            }
            for (attribute, setting) in mapping["attributes"]?.mapping ?? [:] {
                guard let attributeName = attribute.string else { continue }
                if let owner = attributeOwners[name]?[attributeName] {
                    report(
                        fragment, attribute, path + ".attributes.\(attributeName)",
                        "attribute '\(attributeName)' of node '\(name)' is already set by \(files[owner] ?? "fragment \(owner)")")
                    continue
                }
                attributeOwners[name, default: [:]][attributeName] = fragment.owner
                addedAttributes[name, default: []].append((attribute, setting))
            }
        }
    }

    private func mergedNodes() -> [Node] {
        zip(nodes, nodeNames).map { node, name in
            guard let added = addedAttributes[name], !added.isEmpty, var mapping = node.mapping else { return node }
            var attributes = mapping["attributes"]?.mapping.map { Array($0.map { ($0.key, $0.value) }) } ?? []
            attributes += added.map { ($0.key, $0.value) }
            mapping["attributes"] = .mapping(.init(attributes))
            return .mapping(mapping)
        }
    }

    /// `resources[3].params.x` → ("resources", 3, ".params.x").
    static func split(_ path: String) -> (String, Int, String)? {
        guard let open = path.firstIndex(of: "["), let close = path[open...].firstIndex(of: "]"),
            let index = Int(path[path.index(after: open)..<close])
        else { return nil }
        return (String(path[..<open]), index, String(path[path.index(after: close)...]))
    }
}
