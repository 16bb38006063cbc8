import Testing
import VigilModel

@Suite("Config fragments")
struct ConfigFragmentsTests {
    static let base = """
        cluster:
          name: ctl
        nodes:
          - name: n1
            address: 198.18.0.1
            attributes: {rack: a}
          - name: n2
            address: 198.18.0.2
        resources:
          - name: db
            agent: process
            params: {command: [/bin/sleep, "1000"]}
        """

    static let keystone = """
        resources:
          - name: keystone-vip
            agent: vip
            params: {ip: 198.18.0.100, cidr: 24, interface: eth0}
          - name: keystone-api
            agent: process
            params: {command: [/bin/sleep, "1000"]}
        groups:
          - name: keystone
            members: [keystone-api, keystone-vip]
        constraints:
          - order: {first: db, then: keystone, kind: mandatory}
        nodes:
          - name: n2
            attributes: {keystone: "yes"}
        """

    static func fragments(_ extra: [ConfigFragment] = []) -> [ConfigFragment] {
        [ConfigFragment(owner: "operator", yaml: base)] + extra
    }

    @Test func theOperatorAloneIsItsOwnTextUnchanged() throws {
        let merged = try ConfigFragments.merge(Self.fragments())
        #expect(merged.yaml == Self.base)
        #expect(merged.owners == ["db": "operator"])
    }

    @Test func aFragmentAddsItsPartsAndMayReferToAnothers() throws {
        let merged = try ConfigFragments.merge(Self.fragments([ConfigFragment(owner: "keystone", yaml: Self.keystone)]))
        #expect(merged.config.resources.map(\.name) == ["db", "keystone-vip", "keystone-api"])
        #expect(merged.config.groups.map(\.name) == ["keystone"])
        #expect(merged.config.constraints.count == 1)
        #expect(merged.owners["keystone-api"] == "keystone" && merged.owners["db"] == "operator" && merged.owners["keystone"] == "keystone")
        #expect(merged.config.nodes.first { $0.name == "n2" }?.attributes == ["keystone": "yes"])
        #expect(merged.attributeOwners["n2"]?["keystone"] == "keystone")
        #expect(merged.attributeOwners["n1"]?["rack"] == "operator")
        // The merged text is a configuration in its own right.
        let again = try ConfigDecoder.decode(yaml: merged.yaml, file: "merged")
        #expect(again == merged.config)
    }

    @Test func theOrderOfFragmentsDoesNotMatter() throws {
        let glance = ConfigFragment(owner: "glance", yaml: "resources:\n  - {name: glance-api, agent: process, params: {command: [/bin/true]}}\n")
        let keystone = ConfigFragment(owner: "keystone", yaml: Self.keystone)
        let one = try ConfigFragments.merge(Self.fragments([glance, keystone]))
        let two = try ConfigFragments.merge([keystone, glance] + Self.fragments())
        #expect(one.yaml == two.yaml)
    }

    @Test func aProblemNamesTheFragmentAndItsLine() throws {
        let broken = "resources:\n  - name: nova-api\n    agent: process\n    migration-threshold: lots\n"
        let error = try #require(throws: VigilModelError.self) {
            try ConfigFragments.merge(Self.fragments([ConfigFragment(owner: "nova", yaml: broken)]))
        }
        let diagnostic = try #require(error.diagnostics.first { $0.path.hasSuffix("migration-threshold") })
        #expect(diagnostic.file == "fragment nova")
        #expect(diagnostic.line == 4, "\(error)")
        #expect(error.diagnostics.allSatisfy { $0.file == "fragment nova" }, "\(error)")
    }

    @Test func aSyntaxErrorNamesTheFragment() throws {
        let error = try #require(throws: VigilModelError.self) {
            try ConfigFragments.merge(Self.fragments([ConfigFragment(owner: "nova", yaml: "resources: [\n  - {name: x")]))
        }
        #expect(error.code == .syntax)
        #expect(error.diagnostics.allSatisfy { $0.file == "fragment nova" }, "\(error)")
    }

    @Test func aReferenceToARemovedResourceIsAnErrorInTheReferringFragment() throws {
        let keystone = ConfigFragment(owner: "keystone", yaml: Self.keystone)
        let withoutDB = ConfigFragment(owner: "operator", yaml: Self.base.replacingOccurrences(of: "  - name: db\n    agent: process\n    params: {command: [/bin/sleep, \"1000\"]}", with: "  []").replacingOccurrences(of: "resources:\n  []", with: "resources: []"))
        let error = try #require(throws: VigilModelError.self) { try ConfigFragments.merge([withoutDB, keystone]) }
        #expect(error.diagnostics.contains { $0.file == "fragment keystone" && $0.path.hasPrefix("constraints[0]") && $0.line == 12 }, "\(error)")
    }

    @Test func twoOwnersCannotDefineOneName() throws {
        let clash = ConfigFragment(owner: "intruder", yaml: "resources:\n  - {name: db, agent: process, params: {command: [/bin/true]}}\n")
        let error = try #require(throws: VigilModelError.self) { try ConfigFragments.merge(Self.fragments([clash])) }
        #expect(error.diagnostics.contains { $0.file == "fragment intruder" && $0.message.contains("already defined by fragment operator") }, "\(error)")
    }

    @Test func aFragmentCannotSetClusterPropertiesNorAnotherOwnersAttribute() throws {
        let fragment = ConfigFragment(
            owner: "rogue", yaml: "cluster: {name: other}\nnodes:\n  - {name: n1, attributes: {rack: b}}\n  - {name: n9, attributes: {x: y}}\n")
        let error = try #require(throws: VigilModelError.self) { try ConfigFragments.merge(Self.fragments([fragment])) }
        let messages = error.diagnostics.map(\.description).joined(separator: "\n")
        #expect(messages.contains("fragment rogue:1:1: cluster: only the operator's configuration sets 'cluster'"), "\(messages)")
        #expect(messages.contains("attribute 'rack' of node 'n1' is already set by fragment operator"), "\(messages)")
        #expect(messages.contains("no node named 'n9'"), "\(messages)")
    }

    @Test func fragmentsNeedAnOperatorConfiguration() throws {
        let error = try #require(throws: VigilModelError.self) {
            try ConfigFragments.merge([ConfigFragment(owner: "keystone", yaml: Self.keystone)])
        }
        #expect(error.description.contains("no operator configuration"), "\(error)")
    }
}
