import Testing
import VigilModel

/// `cluster.self-fence-margin`, `resources[].stop-timeout`, and the warning when a stop may
/// outlast a self-fence.
@Suite("Self-fence settings")
struct SelfFenceSettingsTests {
    static func config(_ cluster: String = "{name: t}", resources: String) throws -> ClusterConfig {
        try ConfigDecoder.decode(yaml: "cluster: \(cluster)\nnodes: [{name: n1}, {name: n2}]\nresources:\n\(resources)", file: "c.yaml")
    }

    static func errors(_ cluster: String, resources: String = "  - {name: a, agent: process, params: {command: [/bin/true]}}") -> [String] {
        do {
            _ = try ConfigDecoder.decode(yaml: "cluster: \(cluster)\nnodes: [{name: n1}, {name: n2}]\nresources:\n\(resources)", file: "c.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func theMarginDefaultsFromTheNodeLossTimeoutAndCanBeSet() throws {
        let defaults = try Self.config("{name: t, node-loss-timeout: 2s}", resources: "  - {name: a, agent: process, params: {command: [/bin/true]}}")
        #expect(defaults.cluster.selfFenceMargin == nil)
        #expect(defaults.cluster.effectiveSelfFenceMargin == .milliseconds(500))
        #expect(defaults.cluster.selfFenceStopBudget == .milliseconds(400))
        let long = try Self.config("{name: t, node-loss-timeout: 10s}", resources: "  - {name: a, agent: process, params: {command: [/bin/true]}}")
        #expect(long.cluster.effectiveSelfFenceMargin == .milliseconds(2500))
        let set = try Self.config(
            "{name: t, node-loss-timeout: 4s, self-fence-margin: 1500ms}", resources: "  - {name: a, agent: process, params: {command: [/bin/true]}}")
        #expect(set.cluster.effectiveSelfFenceMargin == .milliseconds(1500))
        #expect(set.cluster.selfFenceStopBudget == .milliseconds(1200))
    }

    @Test func aMarginOutsideItsRangeIsAnErrorWithItsPosition() {
        let tooLong = Self.errors("{name: t, node-loss-timeout: 2s, self-fence-margin: 1500ms}")
        #expect(tooLong.count == 1)
        #expect(tooLong.first?.contains("c.yaml:1:") == true, "\(tooLong)")
        #expect(tooLong.first?.contains("cluster.self-fence-margin") == true, "\(tooLong)")
        #expect(tooLong.first?.contains("half the node-loss-timeout") == true, "\(tooLong)")
        #expect(Self.errors("{name: t, self-fence-margin: 50ms}").count == 1)
        #expect(Self.errors("{name: t, self-fence-margin: soon}").first?.contains("expected a duration") == true)
    }

    @Test func stopTimeoutIsDecodedAndBounded() throws {
        let config = try Self.config(resources: "  - {name: a, agent: process, params: {command: [/bin/true]}, stop-timeout: 2m}")
        #expect(config.resources.first?.stopTimeout == .seconds(120))
        let errors = Self.errors("{name: t}", resources: "  - {name: a, agent: process, params: {command: [/bin/true]}, stop-timeout: 50ms}")
        #expect(errors.count == 1)
        #expect(errors.first?.contains("resources[0].stop-timeout") == true, "\(errors)")
    }

    @Test func anExclusiveStopLongerThanTheSelfFenceBudgetIsWarnedAbout() throws {
        let config = try Self.config(
            resources: """
                  - {name: db, agent: process, params: {command: [/bin/true]}, stop-timeout: 2m}
                  - {name: quick, agent: process, params: {command: [/bin/true]}, stop-timeout: 200ms}
                  - {name: default, agent: process, params: {command: [/bin/true]}}
                  - {name: agentd, agent: process, params: {command: [/bin/true]}, clone: {}, stop-timeout: 2m}
                  - {name: st, agent: "ocf:pacemaker:Stateful", promotable: {}, stop-timeout: 1m}
                """)
        let warnings = ConfigWarnings.warnings(for: config)
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.first?.hasPrefix("resources[0].stop-timeout: 'db'") == true, "\(warnings)")
        #expect(warnings.first?.contains("confirm-down") == true)
        #expect(warnings.last?.hasPrefix("resources[4].stop-timeout: 'st'") == true, "\(warnings)")
        var devices = config
        devices.cluster.fencing = .devices
        #expect(ConfigWarnings.warnings(for: devices).isEmpty, "a fence device makes any stop safe")
    }
}
