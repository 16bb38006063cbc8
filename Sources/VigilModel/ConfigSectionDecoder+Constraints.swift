internal import Yams

extension ConfigSectionDecoder {
    mutating func decodeConstraint(_ node: Node, _ path: String) -> Constraint? {
        guard let fields = reader.mapping(node, path, allowed: ["location", "colocation", "order"]) else { return nil }
        guard fields.entries.count == 1, let entry = fields.entries.first else {
            reader.error(node, path, fields.entries.isEmpty
                ? "expected one of location, colocation, order"
                : "expected exactly one constraint per entry, got \(fields.entries.map(\.key).joined(separator: " and "))")
            return nil
        }
        let kindPath = fields.childPath(entry.key)
        switch entry.key {
        case "location": return decodeLocation(entry.value, kindPath).map { .location($0) }
        case "colocation": return decodeColocation(entry.value, kindPath).map { .colocation($0) }
        default: return decodeOrder(entry.value, kindPath).map { .order($0) }
        }
    }

    mutating func decodeLocation(_ node: Node, _ path: String) -> LocationConstraint? {
        guard let fields = reader.mapping(node, path, allowed: ["resource", "node", "rule", "score", "role"]) else { return nil }
        let resource = reader.required(fields, "resource", "a resource or group name").flatMap { reader.name($0, fields.childPath("resource")) }
        var target: LocationConstraint.Target?
        switch (fields["node"], fields["rule"]) {
        case (let node?, nil):
            target = reader.name(node, fields.childPath("node")).map { .node($0) }
        case (nil, let rule?):
            if let text = reader.string(rule, fields.childPath("rule"), what: "a rule such as \"rack eq b\"") {
                switch Rule.parse(text) {
                case .success(let parsed): target = .rule(parsed)
                case .failure(let error): reader.error(rule, fields.childPath("rule"), "expected \(error.message)")
                }
            }
        case (.some, .some):
            reader.error(fields["rule"], fields.childPath("rule"), "a location names either a node or a rule, not both")
        case (nil, nil):
            reader.error(node, fields.childPath("node"), "missing; expected a node or a rule")
        }
        let score = fields["score"].map { reader.score($0, fields.childPath("score")) } ?? .infinity
        let role = fields["role"].flatMap { reader.enumValue($0, fields.childPath("role"), Role.self) }
        guard let resource, let target, let score else { return nil }
        if fields["role"] != nil && role == nil { return nil }
        return LocationConstraint(resource: resource, target: target, score: score, role: role)
    }

    mutating func decodeColocation(_ node: Node, _ path: String) -> ColocationConstraint? {
        guard let fields = reader.mapping(node, path, allowed: ["resource", "with", "score", "role", "with-role"]) else { return nil }
        let resource = reader.required(fields, "resource", "the dependent resource's name").flatMap { reader.name($0, fields.childPath("resource")) }
        let with = reader.required(fields, "with", "the resource it is placed with").flatMap { reader.name($0, fields.childPath("with")) }
        let score = fields["score"].map { reader.score($0, fields.childPath("score")) } ?? .infinity
        let role = fields["role"].flatMap { reader.enumValue($0, fields.childPath("role"), Role.self) }
        let withRole = fields["with-role"].flatMap { reader.enumValue($0, fields.childPath("with-role"), Role.self) }
        guard let resource, let with, let score else { return nil }
        if (fields["role"] != nil && role == nil) || (fields["with-role"] != nil && withRole == nil) { return nil }
        return ColocationConstraint(resource: resource, with: with, score: score, role: role, withRole: withRole)
    }

    mutating func decodeOrder(_ node: Node, _ path: String) -> OrderConstraint? {
        guard let fields = reader.mapping(node, path, allowed: ["first", "then", "kind", "symmetrical", "first-action", "then-action"])
        else { return nil }
        let first = reader.required(fields, "first", "the resource that acts first").flatMap { reader.name($0, fields.childPath("first")) }
        let then = reader.required(fields, "then", "the resource that acts after it").flatMap { reader.name($0, fields.childPath("then")) }
        let kind = fields["kind"].map { reader.enumValue($0, fields.childPath("kind"), OrderKind.self) } ?? .mandatory
        let symmetrical = fields["symmetrical"].map { reader.bool($0, fields.childPath("symmetrical")) }
        let firstAction = fields["first-action"].map { reader.enumValue($0, fields.childPath("first-action"), ResourceAction.self) } ?? .start
        let thenAction = fields["then-action"].map { reader.enumValue($0, fields.childPath("then-action"), ResourceAction.self) } ?? .start
        guard let first, let then, let kind, let firstAction, let thenAction else { return nil }
        if let symmetrical, symmetrical == nil { return nil }
        if kind == .serialize, symmetrical == true {
            reader.error(fields["symmetrical"], fields.childPath("symmetrical"), "serialize orders are not symmetrical; remove symmetrical")
        }
        return OrderConstraint(first: first, then: then, kind: kind, symmetrical: symmetrical ?? nil,
                               firstAction: firstAction, thenAction: thenAction)
    }
}
