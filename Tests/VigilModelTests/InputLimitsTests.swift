import Testing
import VigilModel

#if canImport(Glibc)
import Glibc
#endif

/// No configuration that validates may crash or hang an agent (issue 10 §5): every duration
/// has a documented range, aliases and documents are bounded, and what an executor refuses
/// validation refuses first, with its position.
@Suite("Input limits")
struct InputLimitsTests {
    static let header = "cluster: {name: t}\nnodes: [{name: n1}, {name: n2}]\n"

    /// The CPU time this thread spends in `body`: a bound on work done, which a loaded
    /// machine (CI runs these suites at a low priority beside the integration tests) does not
    /// stretch as it stretches wall time.
    static func cpuTime<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
        func now() -> Duration {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
        }
        let start = now()
        let result = try body()
        return (result, now() - start)
    }

    static func errors(_ yaml: String) -> [String] {
        do {
            _ = try ConfigDecoder.decode(yaml: yaml, file: "c.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func durationsOutsideTheirRangesAreRefusedWithTheirPosition() {
        let found = Self.errors(Self.header + """
            resources:
              - name: web
                agent: process
                params: {command: [/bin/true]}
                monitor: {interval: 1ms, timeout: 25h}
                health:
                  - tcp: {port: 80}
                    interval: 99ms
                    timeout: 5000000h
            """)
        #expect(found == [
            "c.yaml:7:25: resources[0].monitor.interval: expected a duration from 100ms to 24h, got '1ms'",
            "c.yaml:7:39: resources[0].monitor.timeout: expected a duration from 100ms to 24h, got '25h'",
            "c.yaml:10:19: resources[0].health[0].interval: expected a duration from 100ms to 24h, got '99ms'",
            "c.yaml:11:18: resources[0].health[0].timeout: expected a duration from 100ms to 24h, got '5000000h'",
        ])
        let cluster = Self.errors("cluster: {name: t, node-loss-timeout: 1000h}\nnodes: [{name: n1}]\n")
        #expect(cluster == ["c.yaml:1:39: cluster.node-loss-timeout: expected a duration from 1s to 5m, got '1000h'"])
        let aged = Self.errors(Self.header + "resources:\n  - {name: a, agent: vip, params: {ip: 198.18.0.9, cidr: 24, interface: e0}, failure-timeout: 800h}\n")
        #expect(aged == ["c.yaml:4:95: resources[0].failure-timeout: expected a duration from 1s to 720h, got '800h'"])
        let fence = Self.errors(
            "cluster: {name: t, fencing: devices}\nnodes: [{name: n1}]\n"
                + "fence-devices:\n  - {name: f, agent: fence_x, nodes: [n1], timeout: 2h}\n")
        #expect(fence == ["c.yaml:4:53: fence-devices[0].timeout: expected a duration from 1s to 1h, got '2h'"])
    }

    @Test func theEdgesOfEveryRangeValidate() throws {
        let config = try ConfigDecoder.decode(yaml: """
            cluster: {name: t, node-loss-timeout: 2s}
            nodes: [{name: n1}]
            resources:
              - name: web
                agent: process
                params: {command: [/bin/true]}
                monitor: {interval: 100ms, timeout: 24h}
                failure-timeout: 720h
                health:
                  - tcp: {port: 80}
                    interval: 24h
                    timeout: 100ms
            """, file: "c.yaml")
        #expect(config.resources[0].monitor.interval == .milliseconds(100))
        #expect(config.resources[0].health[0].timeout == .milliseconds(100))
        _ = try ConfigDecoder.decode(yaml: "cluster: {name: t, node-loss-timeout: 5m}\nnodes: [{name: n1}]\n", file: "c.yaml")
        _ = try ConfigDecoder.decode(yaml: "cluster: {name: t, node-loss-timeout: 1s}\nnodes: [{name: n1}]\n", file: "c.yaml")
    }

    /// "A billion laughs": ten levels of ten aliases each expand to 10^10 nodes. Under
    /// unknown keys (never walked), in parameters (walked value by value) and as a mapping
    /// key (Yams hashes every key to find duplicates), it is refused at once.
    @Test(arguments: ["x", "resources:\n  - name: db\n    agent: galera\n    params:\n      x", "key"])
    func nestedAliasesAreRefusedQuickly(placement: String) {
        let indent = placement == "x" || placement == "key" ? "" : "      "
        var yaml = "cluster: {name: t}\nnodes: [{name: n1}]\n"
        yaml += placement == "key" ? "x" : placement
        yaml += "0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            yaml += "\(indent)x\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        if placement == "key" { yaml += "? *a9\n: boom\n" }
        let (found, elapsed) = Self.cpuTime { Self.errors(yaml) }
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("c.yaml:") == true, "\(found)")
        #expect(found.first?.contains(": the document expands to more than 1000000 nodes here") == true, "\(found)")
        #expect(elapsed < .seconds(2), "refusing took \(elapsed) of CPU time")
    }

    @Test func aFewAliasesStillWork() throws {
        let config = try ConfigDecoder.decode(yaml: """
            cluster: {name: t}
            nodes: [{name: n1, attributes: &rack {rack: a}}, {name: n2, attributes: *rack}]
            """, file: "c.yaml")
        #expect(config.nodes[1].attributes == ["rack": "a"])
    }

    @Test func documentsOverTheSizeLimitAreRefused() {
        let padding = "# " + String(repeating: "x", count: 1023) + "\n"
        let yaml = Self.header + String(repeating: padding, count: 4 * 1024 + 1)
        let found = Self.errors(yaml)
        #expect(found == ["c.yaml: the document is \(yaml.utf8.count) bytes; at most 4194304 (4 MiB) are accepted"])
        let state: [String]
        do {
            let config = try ConfigDecoder.decode(yaml: Self.header, file: "c.yaml")
            _ = try StateDecoder.decode(yaml: "quorum: true\n" + String(repeating: padding, count: 4 * 1024 + 1), file: "s.yaml", config: config)
            state = []
        } catch {
            state = error.diagnostics.map(\.description)
        }
        #expect(state.count == 1)
        #expect(state.first?.hasPrefix("s.yaml: the document is ") == true, "\(state)")
    }

    /// OCFAgentSpec exports parameters as `OCF_RESKEY_<name>` and refuses names that are not
    /// shell identifiers; validation refuses them first.
    @Test func ocfParameterNamesTheExecutorRefusesAreRefused() {
        let found = Self.errors(Self.header + """
            resources:
              - {name: d, agent: "ocf:heartbeat:Dummy", params: {state-file: /tmp/x, 1st: y, ok_name: z}}
              - {name: g, agent: galera, clone: {}, params: {config: /etc/mysql/my.cnf, start-timeout: 10m}}
            """)
        #expect(found == [
            "c.yaml:4:54: resources[0].params.state-file: expected an OCF parameter name (letters, digits and '_', not starting with a digit), got 'state-file'",
            "c.yaml:4:74: resources[0].params.1st: expected an OCF parameter name (letters, digits and '_', not starting with a digit), got '1st'",
        ])
    }

    /// `param-files` names are exported as `OCF_RESKEY_<name>` too.
    @Test func ocfParameterFileNamesFollowTheSameRule() {
        let found = Self.errors(Self.header + """
            resources:
              - {name: d, agent: "ocf:heartbeat:Dummy", param-files: {state-file: /etc/x, ok_name: /etc/y}}
              - {name: g, agent: galera, clone: {}, params: {config: /etc/mysql/my.cnf}, param-files: {root-password: /etc/z}}
            """)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains("resources[0].param-files.state-file: expected an OCF parameter name") == true, "\(found)")
    }

    /// VIPExecutor checks the address with inet_pton and refuses an interface name starting
    /// with '-' (it would be read as an option of `ip`); the OCF agent path must stay under
    /// the OCF root.
    @Test func vipAndAgentValuesTheExecutorsRefuseAreRefused() {
        let found = Self.errors(Self.header + """
            resources:
              - {name: a, agent: vip, params: {ip: 01.2.3.4, cidr: 24, interface: eth0}}
              - {name: b, agent: vip, params: {ip: 198.18.0.9, cidr: 24, interface: -dev}}
              - {name: c, agent: vip, params: {ip: "::1.2.3", cidr: 24, interface: eth0}}
              - {name: d, agent: "ocf:..:Dummy"}
              - {name: e, agent: "ocf:heartbeat:."}
            """)
        #expect(found.count == 5, "\(found)")
        #expect(found.first?.contains("resources[0].params.ip: expected an IPv4 or IPv6 address, got '01.2.3.4'") == true, "\(found)")
        #expect(found.dropFirst().first?.contains("resources[1].params.interface") == true, "\(found)")
        #expect(found.dropFirst(2).first?.contains("resources[2].params.ip") == true, "\(found)")
        #expect(found.dropFirst(3).first?.contains("resources[3].agent") == true, "\(found)")
        #expect(found.dropFirst(4).first?.contains("resources[4].agent") == true, "\(found)")
    }

    /// Every agent decodes the configuration again on each change: a large valid one must
    /// not take minutes. Cycle detection used to walk the whole chain for every constraint
    /// (12 000 chained resources took 85 s in a debug build); an acyclic graph is now
    /// recognised in one pass (ValidationTests keep the cycles' diagnostics).
    @Test func aLongChainOfConstraintsValidatesQuickly() throws {
        let count = 6000
        var yaml = "cluster: {name: t}\nnodes: [{name: n1}, {name: n2}]\nresources:\n"
        for index in 0..<count { yaml += "  - {name: r\(index), agent: process, params: {command: [/bin/true]}}\n" }
        yaml += "constraints:\n"
        for index in (1..<count).reversed() { yaml += "  - order: {first: r\(index - 1), then: r\(index)}\n" }
        for index in 1..<count { yaml += "  - colocation: {resource: r\(index), with: r\(index - 1)}\n" }
        let (config, elapsed) = try Self.cpuTime { try ConfigDecoder.decode(yaml: yaml, file: "c.yaml") }
        #expect(config.constraints.count == 2 * (count - 1))
        #expect(elapsed < .seconds(10), "decoding took \(elapsed) of CPU time")
    }
}
