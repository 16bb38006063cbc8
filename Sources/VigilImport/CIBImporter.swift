import Foundation
import VigilModel

/// Turns a Pacemaker CIB into a Vigil configuration (`vigil import`): nodes with their
/// attributes, cluster properties and resource defaults, primitives (`ocf`; `stonith` as
/// fence devices; a few `systemd` services as `process`), groups, clones and promotable
/// clones (`master` too), location constraints with scores, rules, roles and `rsc-pattern`,
/// colocation and order constraints with simple resource sets.
///
/// Names carry over: a primitive, group, clone or promotable is named by its CIB id, a clone
/// by the clone's id (a constraint naming its child is reported: Pacemaker ignores it, as
/// `crm_verify` says). What cannot
/// be translated is an error naming the element and its line; a difference worth knowing is
/// a note. The YAML is then validated as `vigil config validate` would: what Vigil refuses
/// and Pacemaker accepts is reported as an error on the element it came from, if known.
public enum CIBImporter {
    /// Translates `cib`; `cluster` names the cluster when the CIB's `cluster-name` property
    /// does not (else `imported`).
    public static func translate(_ cib: CIBElement, cluster: String? = nil) -> ImportResult {
        var importer = Translation(cib: cib, clusterName: cluster)
        importer.run()
        let yaml = importer.output()
        var problems = importer.problems
        do {
            _ = try ConfigDecoder.decode(yaml: yaml, file: "imported.yaml")
        } catch {
            // Pacemaker accepts it, Vigil does not (docs/operator-guide.md, "Coming from
            // Pacemaker", lists the known differences).
            for diagnostic in error.diagnostics {
                problems.append(ImportProblem(.error, cib, "Vigil refuses the translation: \(diagnostic)"))
            }
        }
        return ImportResult(yaml: yaml, problems: problems)
    }
}

/// One translation's state.
struct Translation {
    let cib: CIBElement
    let clusterName: String?
    var problems: [ImportProblem] = []

    /// The cluster section.
    var name = "imported"
    var noQuorumPolicy: String?
    var stonithEnabled = true
    var stickiness: String?
    /// `rsc_defaults` applied to every resource that sets none.
    var defaultMigrationThreshold: String?
    var defaultFailureTimeout: String?
    /// `op_defaults` timeout, for monitors without one.
    var defaultOperationTimeout: String?

    var nodes: [(name: String, attributes: [(String, String)])] = []
    var resources: [ResourceEntry] = []
    var groups: [(name: String, members: [String])] = []
    var fenceDevices: [FenceEntry] = []
    var constraints: [String] = []
    /// Every CIB id that names a Vigil resource or group → that name.
    var resourceNames: [String: String] = [:]
    /// A clone's child primitive → the clone (constraints may not name the child).
    var cloneChildren: [String: String] = [:]
    /// Names of promotable resources.
    var promotables: Set<String> = []

    /// A resource as it will be written.
    struct ResourceEntry {
        var name: String
        var agent: String
        var params: [(String, String)] = []
        var processCommand: [String]?
        var clone: [(String, String)]?
        var promotable: [(String, String)]?
        var monitor: (interval: String, timeout: String?)?
        var stickiness: String?
        var migrationThreshold: String?
        var failureTimeout: String?
        var targetRole: String?
        var stopTimeout: String?
        var element: CIBElement
    }

    /// A fence device as it will be written.
    struct FenceEntry {
        var name: String
        var agent: String
        var params: [(String, String)]
        var nodes: [String]
        var plugs: [(String, String)]
        var timeout: String?
    }

    init(cib: CIBElement, clusterName: String?) {
        self.cib = cib
        self.clusterName = clusterName
    }

    mutating func error(_ element: CIBElement, _ message: String) { problems.append(ImportProblem(.error, element, message)) }
    mutating func note(_ element: CIBElement, _ message: String) { problems.append(ImportProblem(.note, element, message)) }

    mutating func run() {
        guard let configuration = cib.child("configuration") else {
            error(cib, "no <configuration> section")
            return
        }
        for section in configuration.children {
            switch section.name {
            case "crm_config", "nodes", "resources", "constraints", "rsc_defaults", "op_defaults": continue
            case "fencing-topology":
                error(section, "fencing levels are not translated: Vigil tries every fence device that covers a node, in order")
            case "tags": note(section, "tags are not translated (constraints naming a tag are reported where they are)")
            default: error(section, "<\(section.name)> is not translated (tickets, alerts and ACLs have no Vigil equivalent)")
            }
        }
        if let properties = configuration.child("crm_config") { readProperties(properties) }
        if let defaults = configuration.child("rsc_defaults") { readResourceDefaults(defaults) }
        if let defaults = configuration.child("op_defaults") { readOperationDefaults(defaults) }
        if let nodes = configuration.child("nodes") { readNodes(nodes) }
        if let resources = configuration.child("resources") {
            for element in resources.children { readTopLevel(element) }
        }
        if let constraints = configuration.child("constraints") {
            for element in constraints.children { readConstraint(element) }
        }
        if clusterName != nil { name = clusterName ?? name }
    }
}
