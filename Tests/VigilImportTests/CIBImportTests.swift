import Foundation
import Testing
import VigilImport
import VigilModel
import VigilScheduler

/// `vigil import` (issue 15): CIBs written after the hacluster charm and the OpenStack HA
/// guide, Pacemaker's "Clusters from Scratch" and "Pacemaker Explained" (each file says where
/// it comes from) are translated; what cannot be is reported with its element and line; the
/// output passes validation and is placed as Pacemaker would place it.
@Suite("vigil import: CIBs")
struct CIBImportTests {
    static func load(_ name: String) throws -> (CIBElement, String) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("CIBs/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        return (try CIBParser.parse(text, file: name), text)
    }

    /// The line of the first line of `text` containing `needle`.
    static func line(of needle: String, in text: String) -> Int {
        (text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) } ?? -1) + 1
    }

    @Test func anOpenStackControlPlaneFromTheHaclusterCharm() throws {
        let (cib, text) = try Self.load("openstack-hacluster.xml")
        let result = CIBImporter.translate(cib)
        #expect(result.errors.isEmpty, "\(result.problems)")
        #expect(text.contains("rabbitmq-clone-meta_attributes-notify"))
        #expect(result.problems.contains { $0.severity == .note && $0.message.contains("systemd:haproxy becomes a process resource") })
        #expect(result.problems.contains { $0.severity == .note && $0.message.contains("the Promoted monitor is not translated") })

        let config = try ConfigDecoder.decode(yaml: result.yaml, file: "imported.yaml")
        #expect(config.cluster.name == "debian")
        #expect(config.cluster.fencing == .disabled)
        #expect(config.cluster.noQuorumPolicy == .stop)
        #expect(config.cluster.stickiness == Score(100))
        #expect(config.nodes.map(\.name) == ["juju-ctl-0", "juju-ctl-1", "juju-ctl-2"])
        #expect(config.nodes[2].attributes == ["rack": "b"])
        #expect(config.resources.map(\.name) == ["res_ks_eth0_vip", "cl_ks_haproxy", "cl_ping", "galera-clone", "rabbitmq-clone"])
        let vip = try #require(config.resource(named: "res_ks_eth0_vip"))
        #expect(vip.agent.description == "ocf:heartbeat:IPaddr2")
        #expect(vip.failureTimeout == .seconds(180), "rsc_defaults failure-timeout on every resource")
        #expect(config.resource(named: "rabbitmq-clone")?.notifies == true, "notify=true carries over")
        #expect(config.resource(named: "cl_ping")?.notifies == false)
        let galera = try #require(config.resource(named: "galera-clone"))
        #expect(galera.isPromotable && galera.agent.description == "ocf:heartbeat:galera")
        #expect(config.resource(named: "cl_ks_haproxy")?.agent == .process)
        #expect(config.groups.map(\.name) == ["grp_ks_vips"])
        #expect(config.constraints.count == 4, "\(config.constraints)")
        #expect(config.constraints.contains { constraint in
            guard case .location(let location) = constraint, case .rule(let rule) = location.target else { return false }
            return location.resource == "grp_ks_vips" && rule.description == "not_defined pingd or pingd lte 0" && location.score.isMinusInfinity
        })
        #expect(config.constraints.contains { constraint in
            guard case .location(let location) = constraint, case .node(let node) = location.target else { return false }
            return location.resource == "galera-clone" && node == "juju-ctl-2" && location.score == Score(-50)
        })

        // Placed as Pacemaker places it (crm_simulate on this CIB with the same node
        // attributes): the VIP goes to the one node whose ping sees its target.
        var state = ClusterState(quorum: true)
        for (node, pingd) in [("juju-ctl-0", "0"), ("juju-ctl-1", "100"), ("juju-ctl-2", "0")] {
            state.nodes[node] = NodeStatus(online: true, attributes: ["pingd": pingd])
        }
        let plan = Scheduler.plan(config: config, state: state)
        #expect(plan.placements["galera-clone"]?.allNodes == ["juju-ctl-0", "juju-ctl-1"], "-50 keeps an instance off juju-ctl-2")
        #expect(plan.placements["res_ks_eth0_vip"]?.allNodes == ["juju-ctl-1"], "\(plan.placements)")
        #expect(plan.placements["cl_ks_haproxy"]?.allNodes == ["juju-ctl-0", "juju-ctl-1", "juju-ctl-2"], "haproxy everywhere, as crm_simulate has it")
    }

    @Test func clustersFromScratch() throws {
        let (cib, text) = try Self.load("clusters-from-scratch.xml")
        let result = CIBImporter.translate(cib, cluster: "scratch")
        let errors = result.errors.map { ($0.line, $0.message) }
        #expect(errors.count == 1, "\(result.problems)")
        #expect(errors.contains { $0.0 == Self.line(of: "instance_attributes-password", in: text) && $0.1.contains("password-file") })
        let config = try ConfigDecoder.decode(yaml: result.yaml, file: "imported.yaml")
        #expect(config.cluster.name == "scratch", "--cluster wins over cluster-name")
        #expect(config.cluster.fencing == .devices)
        let device = try #require(config.fenceDevices.first)
        #expect(device.name == "ipmi-fencing" && device.agent == "fence_ipmilan" && device.nodes == ["pcmk-1", "pcmk-2"])
        #expect(device.params["password"] == nil && device.params["username"] == "testuser")
        let data = try #require(config.resource(named: "WebData-clone"))
        #expect(data.isPromotable && data.notifies)
        #expect(config.resource(named: "WebSite")?.monitor.interval == .seconds(60))
        #expect(config.resource(named: "WebSite")?.monitor.timeout == .seconds(240), "op_defaults timeout")
        #expect(config.resource(named: "WebSite")?.stopTimeout == .seconds(60))
        #expect(config.constraints.contains { constraint in
            guard case .colocation(let colocation) = constraint else { return false }
            return colocation.resource == "WebFS" && colocation.with == "WebData-clone" && colocation.withRole == .promoted
        })
        #expect(config.constraints.contains { constraint in
            guard case .order(let order) = constraint else { return false }
            return order.first == "WebData-clone" && order.firstAction == .promote && order.then == "WebFS"
        })

        // The guide's end state: everything on one node, the file system where DRBD is
        // promoted, the web site with them, preferring pcmk-1.
        var state = ClusterState(quorum: true)
        state.nodes = ["pcmk-1": NodeStatus(online: true), "pcmk-2": NodeStatus(online: true)]
        state.promotionScores = ["WebData-clone": ["pcmk-1": Score(10000), "pcmk-2": Score(10000)]]
        state.resources = ["WebData-clone": ["pcmk-1": [.unpromoted], "pcmk-2": [.unpromoted]]]
        let plan = Scheduler.plan(config: config, state: state)
        guard case .roles(let promoted, _)? = plan.placements["WebData-clone"] else {
            Issue.record("WebData-clone: \(String(describing: plan.placements["WebData-clone"]))")
            return
        }
        #expect(promoted.count == 1)
        #expect(plan.placements["WebFS"]?.allNodes == promoted)
        #expect(plan.placements["WebSite"]?.allNodes == promoted)
        #expect(plan.placements["ClusterIP"]?.allNodes == promoted)
    }

    @Test func pacemakerExplainedConstructs() throws {
        let (cib, text) = try Self.load("pacemaker-explained.xml")
        let result = CIBImporter.translate(cib)
        let errors = result.errors
        #expect(errors.count == 3, "\(result.problems)")
        #expect(errors.contains { $0.line == Self.line(of: "names-the-child", in: text) && $0.message.contains("name ms-state") })
        #expect(errors.contains { $0.line == Self.line(of: "business-hours-date", in: text) && $0.message.contains("date rules") })
        #expect(errors.contains { $0.line == Self.line(of: "rsc_ticket", in: text) && $0.message.contains("tickets") })
        let config = try ConfigDecoder.decode(yaml: result.yaml, file: "imported.yaml")
        #expect(config.resource(named: "ms-state")?.isPromotable == true, "a 1.x master is a promotable named by its id")
        let descriptions = "\(config.constraints)"
        func has(_ predicate: (Constraint) -> Bool) -> Bool { config.constraints.contains(where: predicate) }
        #expect(has {
            guard case .location(let l) = $0, case .rule(let rule) = l.target else { return false }
            return l.resource == "A" && rule.description == "cpu_mips gte 2000" && l.score == Score(100)
        }, "\(descriptions)")
        #expect(has { if case .location(let l) = $0, case .node("node1") = l.target { l.resource == "web-1" && l.score.isMinusInfinity } else { false } })
        #expect(has { if case .location(let l) = $0, case .node("node1") = l.target { l.resource == "web-2" } else { false } })
        #expect(has { if case .location(let l) = $0 { l.resource == "ms-state" && l.role == .promoted } else { false } })
        #expect(has { if case .order(let o) = $0 { o.first == "A" && o.then == "B" } else { false } })
        #expect(has { if case .order(let o) = $0 { o.first == "B" && o.then == "C" } else { false } })
        #expect(has { if case .colocation(let c) = $0 { c.resource == "web-2" && c.with == "web-1" } else { false } })
        #expect(has { if case .order(let o) = $0 { o.first == "C" && o.then == "web-1" && o.kind == .optional } else { false } })
        #expect(has { if case .colocation(let c) = $0 { c.resource == "C" && c.with == "ms-state" && c.withRole == .promoted } else { false } })

        var state = ClusterState(quorum: true)
        state.nodes = ["node1": NodeStatus(online: true), "node2": NodeStatus(online: true)]
        let plan = Scheduler.plan(config: config, state: state)
        #expect(plan.placements["A"]?.allNodes == ["node2"], "cpu_mips gte 2000 scores node2 only")
        #expect(plan.placements["web-1"]?.allNodes == ["node2"] && plan.placements["web-2"]?.allNodes == ["node2"])
    }

    @Test func notACIBIsRefusedWithItsLine() {
        #expect(throws: VigilImportError.self) { try CIBParser.parse("<cib>\n  <configuration>\n</cib>\n", file: "bad.xml") }
        do {
            _ = try CIBParser.parse("<cluster/>\n", file: "x.xml")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "x.xml:1: expected a <cib> document, found <cluster>")
        }
    }

    @Test func durationsAndScores() {
        let cases: [(String, String?)] = [("10", "10s"), ("10s", "10s"), ("1min", "1m"), ("500ms", "500ms"), ("2h", "120m"), ("P1D", nil)]
        for (text, expected) in cases {
            let cib = try? CIBParser.parse("""
                <cib><configuration><nodes><node id="1" uname="n1"/></nodes><resources>
                <primitive id="r" class="ocf" provider="pacemaker" type="Dummy"><operations>
                <op id="m" name="monitor" interval="\(text)"/></operations></primitive></resources></configuration></cib>
                """, file: "d.xml")
            guard let cib else { Issue.record("parse"); continue }
            let result = CIBImporter.translate(cib)
            if let expected {
                #expect(result.yaml.contains("monitor: {interval: \(expected)}"), "\(text): \(result.yaml)")
            } else {
                #expect(result.errors.contains { $0.message.contains("interval \(text)") })
            }
        }
    }
}

/// Imported CIBs that carry a status section are placed as Pacemaker places them: Vigil's
/// plan on `--state-out`'s state against `crm_simulate -R` (Debian's pacemaker-cli-utils) on
/// the same CIB, resource by resource (nodes, and promoted nodes for promotables).
@Suite("vigil import: placed as crm_simulate places them")
struct CrmSimulateComparisonTests {
    /// Where each resource runs, and where it is promoted, after `crm_simulate`'s actions are
    /// applied to `state` (clone instances `name:N` are the clone's).
    static func pacemakerPlacement(cib path: String, state: ClusterState, config: ClusterConfig, clones: [String: String])
        throws -> [String: (nodes: Set<String>, promoted: Set<String>)]
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/crm_simulate")
        process.arguments = ["-x", path, "-R", "--output-as=xml"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let root = try CIBParser.element(String(decoding: data, as: UTF8.self), file: "crm_simulate")
        var placement: [String: (nodes: Set<String>, promoted: Set<String>)] = [:]
        for resource in config.resources {
            var nodes: Set<String> = []
            var promoted: Set<String> = []
            for (node, instances) in state.resources[resource.name] ?? [:] where instances.contains(where: { $0 != .stopped }) {
                nodes.insert(node)
                if instances.contains(.promoted) { promoted.insert(node) }
            }
            placement[resource.name] = (nodes, promoted)
        }
        let actions = try #require(root.child("actions"), "crm_simulate printed no actions: \(String(decoding: data, as: UTF8.self).prefix(2000))")
        for action in actions.children("rsc_action") {
            let id = String((action["resource"] ?? "").split(separator: ":").first ?? "")
            let name = clones[id] ?? id
            guard var entry = placement[name] else { continue }
            switch action["action"] ?? "" {
            case "start":
                if let node = action["node"] { entry.nodes.insert(node) }
            case "stop":
                if let node = action["node"] { entry.nodes.remove(node); entry.promoted.remove(node) }
            case "move", "migrate":
                if let source = action["source"], let destination = action["dest"] {
                    entry.nodes.remove(source)
                    entry.nodes.insert(destination)
                    if entry.promoted.remove(source) != nil { entry.promoted.insert(destination) }
                }
            case "promote":
                if let node = action["node"] { entry.promoted.insert(node) }
            case "demote":
                if let node = action["node"] { entry.promoted.remove(node) }
            default:
                break  // restart, recover, reload: in place
            }
            // A role change rides on other actions ("restart … next-role=Promoted").
            if let node = action["node"] ?? action["dest"] ?? action["source"] {
                switch action["next-role"] {
                case "Promoted", "Master": entry.promoted.insert(node)
                case "Unpromoted", "Slave", "Started": entry.promoted.remove(node)
                default: break
                }
            }
            placement[name] = entry
        }
        return placement
    }

    @Test(arguments: ["openstack-hacluster-running.xml", "clusters-from-scratch-running.xml", "order-first-disabled-running.xml", "order-asymmetrical-first-recovered-running.xml"])
    func vigilPlacesAsPacemakerDoes(_ name: String) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("CIBs/\(name)").path
        let (cib, _) = try CIBImportTests.load(name)
        let result = CIBImporter.translate(cib)
        let config = try ConfigDecoder.decode(yaml: result.yaml, file: "imported.yaml")
        let (state, _) = CIBStatus.state(cib, config: config)
        var clones: [String: String] = [:]
        for element in cib.descendant("configuration", "resources")?.children ?? [] where element.name == "clone" || element.name == "master" {
            for child in element.children("primitive") { clones[child["id"] ?? ""] = element["id"] }
        }
        let pacemaker = try Self.pacemakerPlacement(cib: path, state: state, config: config, clones: clones)
        let plan = Scheduler.plan(config: config, state: state)
        for resource in config.resources {
            let expected = try #require(pacemaker[resource.name])
            let placement = plan.placements[resource.name]
            #expect(Set(placement?.allNodes ?? []) == expected.nodes, "\(resource.name): Vigil \(String(describing: placement)), Pacemaker \(expected.nodes.sorted())")
            if resource.isPromotable, case .roles(let promoted, _)? = placement {
                #expect(Set(promoted) == expected.promoted, "\(resource.name) promoted: Vigil \(promoted), Pacemaker \(expected.promoted.sorted())")
            }
        }
    }
}
