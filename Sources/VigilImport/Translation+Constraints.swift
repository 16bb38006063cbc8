import Foundation

/// Location, colocation and order constraints.
extension Translation {
    mutating func readConstraint(_ element: CIBElement) {
        switch element.name {
        case "rsc_location": readLocation(element)
        case "rsc_colocation": readColocation(element)
        case "rsc_order": readOrder(element)
        case "rsc_ticket": error(element, "tickets are not translated")
        default: error(element, "<\(element.name)> is not translated")
        }
    }

    /// The Vigil name for a CIB resource id, or an error on `element`.
    mutating func resource(_ id: String?, _ element: CIBElement) -> String? {
        guard let id else {
            error(element, "no resource named")
            return nil
        }
        if let clone = cloneChildren[id] {
            error(element, "Pacemaker ignores this constraint (crm_verify: \(id) is not a valid resource): \(id) is inside \(clone); name \(clone)")
            return nil
        }
        guard let name = resourceNames[id] else {
            error(element, "\(id) is not a translated resource or group")
            return nil
        }
        return name
    }

    /// `Promoted`/`Master` → promoted, `Unpromoted`/`Slave` → unpromoted, `Started` → none.
    mutating func role(_ text: String?, _ element: CIBElement) -> (ok: Bool, role: String?) {
        switch text?.lowercased() {
        case nil, "started": return (true, nil)
        case "promoted", "master": return (true, "promoted")
        case "unpromoted", "slave": return (true, "unpromoted")
        default:
            error(element, "role \(text ?? "") is not translated")
            return (false, nil)
        }
    }

    /// A score as Vigil writes it (`INFINITY`, `-INFINITY`, an integer).
    static func score(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.lowercased() {
        case "infinity", "+infinity": return "INFINITY"
        case "-infinity": return "-INFINITY"
        default: return Int(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed).map(String.init)
        }
    }

    mutating func readLocation(_ element: CIBElement) {
        var targets: [String] = []
        if let pattern = element["rsc-pattern"] {
            guard let regex = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$") else {
                return error(element, "rsc-pattern \(pattern) is not a regular expression")
            }
            let names = (resources.map(\.name) + groups.map(\.name)).filter { name in
                regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
            }
            if names.isEmpty { note(element, "rsc-pattern \(pattern) matches no resource") }
            targets = names
            note(element, "rsc-pattern \(pattern) becomes one location per resource it matches now: \(names.joined(separator: ", "))")
        } else if element.child("resource_set") != nil {
            for set in element.children("resource_set") {
                for reference in set.children("resource_ref") {
                    if let name = resource(reference["id"], reference) { targets.append(name) }
                }
            }
        } else {
            guard let name = resource(element["rsc"], element) else { return }
            targets = [name]
        }
        let (roleOK, role) = self.role(element["role"], element)
        guard roleOK else { return }
        if let node = element["node"] {
            guard let score = element["score"].flatMap(Self.score) else {
                return error(element, "score \(element["score"] ?? "(none)") is not translated")
            }
            for target in targets { addLocation(target, "node: \(YAMLLines.scalar(node))", score: score, role: role) }
            return
        }
        let rules = element.children("rule")
        guard !rules.isEmpty else { return error(element, "a location with neither a node nor a rule") }
        for rule in rules {
            guard let (text, score, ruleRole) = readRule(rule, role: role) else { continue }
            for target in targets { addLocation(target, "rule: \(YAMLLines.scalar(text))", score: score, role: ruleRole) }
        }
    }

    mutating func addLocation(_ resource: String, _ where_: String, score: String, role: String?) {
        var fields = ["resource: \(YAMLLines.scalar(resource))", where_, "score: \(score)"]
        if let role { fields.append("role: \(role)") }
        constraints.append("  - location: {\(fields.joined(separator: ", "))}")
    }

    /// A rule as Vigil writes it (`ATTR OP VALUE`, `defined ATTR`, joined by `and` or `or`),
    /// its score and role; nil (reported) for what Vigil's rules cannot say.
    mutating func readRule(_ rule: CIBElement, role: String?) -> (String, String, String?)? {
        if rule["score-attribute"] != nil {
            error(rule, "score-attribute is not translated: Vigil's rules have a fixed score")
            return nil
        }
        guard let score = (rule["score"] ?? "INFINITY").isEmpty ? "INFINITY" : Self.score(rule["score"] ?? "INFINITY") else {
            error(rule, "score \(rule["score"] ?? "") is not translated")
            return nil
        }
        var ruleRole = role
        if rule["role"] != nil {
            let (ok, parsed) = self.role(rule["role"], rule)
            guard ok else { return nil }
            ruleRole = parsed
        }
        let join = (rule["boolean-op"] ?? "and").lowercased()
        guard join == "and" || join == "or" else {
            error(rule, "boolean-op \(join) is not translated")
            return nil
        }
        var terms: [String] = []
        for child in rule.children {
            switch child.name {
            case "expression":
                guard let attribute = child["attribute"], let operation = child["operation"] else {
                    error(child, "an expression without attribute or operation")
                    return nil
                }
                if child["value-source"].map({ $0 != "literal" }) == true {
                    error(child, "value-source \(child["value-source"] ?? "") is not translated")
                    return nil
                }
                if child["type"] == "version" { note(child, "type=version compares as a number or a string in Vigil") }
                switch operation {
                case "defined", "not_defined":
                    terms.append("\(operation) \(attribute)")
                case "lt", "gt", "lte", "gte", "eq", "ne":
                    guard let value = child["value"], !value.isEmpty, !value.contains(where: \.isWhitespace) else {
                        error(child, "a value with spaces, or none, is not translated")
                        return nil
                    }
                    terms.append("\(attribute) \(operation) \(value)")
                default:
                    error(child, "operation \(operation) is not translated")
                    return nil
                }
            case "date_expression":
                error(child, "date rules are not translated: Vigil's rules read node attributes only")
                return nil
            case "rule":
                error(child, "nested rules are not translated: write one location per rule")
                return nil
            default:
                error(child, "<\(child.name)> in a rule is not translated")
                return nil
            }
        }
        guard !terms.isEmpty else {
            error(rule, "an empty rule")
            return nil
        }
        return (terms.joined(separator: " \(join) "), score, ruleRole)
    }

    /// The resources of a constraint's sets, in order, when they form one sequential chain
    /// (one set, or several sequential sets read one after another); nil (reported) else.
    mutating func chain(_ element: CIBElement) -> [(name: String, role: String?, action: String?)]? {
        var chain: [(String, String?, String?)] = []
        let sets = element.children("resource_set")
        for set in sets {
            if set["sequential"].map({ ["false", "no", "0", "off"].contains($0.lowercased()) }) == true && set.children("resource_ref").count > 1 {
                error(set, "a set with sequential=false is not translated: write one constraint per pair")
                return nil
            }
            if set["require-all"].map({ ["false", "no", "0", "off"].contains($0.lowercased()) }) == true {
                error(set, "require-all=false is not translated")
                return nil
            }
            let (ok, role) = self.role(set["role"], set)
            guard ok else { return nil }
            for reference in set.children("resource_ref") {
                guard let name = resource(reference["id"], reference) else { return nil }
                chain.append((name, role, set["action"]))
            }
        }
        return chain
    }

    mutating func readColocation(_ element: CIBElement) {
        guard let score = Self.score(element["score"] ?? "INFINITY") else {
            return error(element, "score \(element["score"] ?? "") is not translated")
        }
        if element["node-attribute"].map({ $0 != "#uname" }) == true {
            return error(element, "node-attribute \(element["node-attribute"] ?? "") is not translated: Vigil colocates on nodes")
        }
        if element.child("resource_set") != nil {
            guard let chain = chain(element) else { return }
            // In a sequential set each resource is placed with the one before it.
            for index in chain.indices.dropFirst() {
                addColocation(chain[index].name, role: chain[index].role, with: chain[index - 1].name, withRole: chain[index - 1].role, score: score)
            }
            return
        }
        guard let resource = resource(element["rsc"], element), let with = self.resource(element["with-rsc"], element) else { return }
        let (roleOK, role) = self.role(element["rsc-role"], element)
        let (withOK, withRole) = self.role(element["with-rsc-role"], element)
        guard roleOK, withOK else { return }
        addColocation(resource, role: role, with: with, withRole: withRole, score: score)
    }

    mutating func addColocation(_ resource: String, role: String?, with: String, withRole: String?, score: String) {
        var fields = ["resource: \(YAMLLines.scalar(resource))", "with: \(YAMLLines.scalar(with))", "score: \(score)"]
        if let role { fields.append("role: \(role)") }
        if let withRole { fields.append("with-role: \(withRole)") }
        constraints.append("  - colocation: {\(fields.joined(separator: ", "))}")
    }

    mutating func readOrder(_ element: CIBElement) {
        var kind = "mandatory"
        if let text = element["kind"] {
            switch text.lowercased() {
            case "mandatory": kind = "mandatory"
            case "optional": kind = "optional"
            case "serialize": kind = "serialize"
            default: return error(element, "kind \(text) is not translated")
            }
        } else if let score = element["score"] {
            // Pacemaker 1.x: a score of 0 is an optional order.
            kind = Self.score(score) == "0" ? "optional" : "mandatory"
        }
        let symmetrical = element["symmetrical"].map { !["false", "no", "0", "off"].contains($0.lowercased()) }
        if element.child("resource_set") != nil {
            guard let chain = chain(element) else { return }
            for index in chain.indices.dropFirst() {
                addOrder(chain[index - 1].name, chain[index - 1].action, then: chain[index].name, chain[index].action,
                         kind: kind, symmetrical: symmetrical, element)
            }
            return
        }
        guard let first = resource(element["first"], element), let then = resource(element["then"], element) else { return }
        addOrder(first, element["first-action"], then: then, element["then-action"], kind: kind, symmetrical: symmetrical, element)
    }

    mutating func addOrder(
        _ first: String, _ firstAction: String?, then: String, _ thenAction: String?, kind: String, symmetrical: Bool?, _ element: CIBElement
    ) {
        var fields = ["first: \(YAMLLines.scalar(first))", "then: \(YAMLLines.scalar(then))", "kind: \(kind)"]
        for (key, action) in [("first-action", firstAction), ("then-action", thenAction)] {
            guard let action else { continue }
            guard ["start", "stop", "promote", "demote"].contains(action) else {
                return error(element, "action \(action) is not translated")
            }
            if action != "start" { fields.append("\(key): \(action)") }
        }
        if let symmetrical, kind != "serialize" { fields.append("symmetrical: \(symmetrical)") }
        constraints.append("  - order: {\(fields.joined(separator: ", "))}")
    }
}
