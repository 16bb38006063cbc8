import Testing
import VigilModel

/// Errors in a simulation state, and its decoding.
@Suite("State decoding")
struct StateValidationTests {
    let config: ClusterConfig

    init() throws {
        config = try ConfigDecoder.decode(yaml: """
        cluster: {name: t}
        nodes: [{name: n1}, {name: n2}]
        resources:
          - {name: web, agent: "ocf:heartbeat:Dummy", failure-timeout: 1m}
          - {name: st, agent: "ocf:pacemaker:Stateful", promotable: {}}
        """, file: "c.yaml")
    }

    @Test func stateDecodes() throws {
        let state = try StateDecoder.decode(yaml: """
        quorum: false
        nodes: {n1: {online: true, standby: true}, n2: {unclean: true}}
        resources: {web: {n1: failed}, st: {n1: started, n2: [promoted]}}
        failcounts: {web: {n1: INFINITY}}
        last-failure: {web: {n1: "2026-11-25T09:59:00Z"}}
        promotion-scores: {st: {n1: 5}}
        now: "2026-11-25T10:00:00.500+01:00"
        """, file: "s.yaml", config: config)
        #expect(state.quorum == false)
        #expect(state.status(of: "n1") == NodeStatus(online: true, standby: true))
        #expect(state.status(of: "n2") == NodeStatus(online: false, unclean: true))
        #expect(state.resources["st"]?["n1"] == [.unpromoted])
        #expect(state.resources["st"]?["n2"] == [.promoted])
        #expect(state.failcounts["web"]?["n1"] == .infinity)
        #expect(state.now?.description == "2026-11-25T09:00:00.500Z")
        #expect(state.lastFailure["web"]?["n1"].map { state.now!.since($0) } == .milliseconds(-3_539_500))
    }

    /// Node attributes set at run time (issue 15): decoded as strings (numbers too), written
    /// back by `yaml(nodeOrder:)` so that a state round-trips; `#` names are reserved.
    @Test func nodeAttributesDecodeAndRoundTrip() throws {
        let state = try StateDecoder.decode(yaml: """
        nodes: {n1: {online: true, attributes: {pingd: 0, "galera-last-committed": "1234"}}, n2: {online: true}}
        """, file: "s.yaml", config: config)
        #expect(state.status(of: "n1").attributes == ["pingd": "0", "galera-last-committed": "1234"])
        #expect(state.status(of: "n2").attributes.isEmpty)
        let again = try StateDecoder.decode(yaml: state.yaml(nodeOrder: ["n1", "n2"]), file: "again.yaml", config: config)
        #expect(again == state)
        #expect(state.yaml(nodeOrder: ["n1", "n2"]).contains(#"n1: {online: true, attributes: {"galera-last-committed": "1234", "pingd": "0"}}"#))
        do {
            _ = try StateDecoder.decode(yaml: "nodes:\n  n1: {online: true, attributes: {\"#uname\": x}}\n", file: "s.yaml", config: config)
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "s.yaml:2:34: nodes.n1.attributes: attribute names starting with '#' are reserved (#uname is the node's name)"
            ])
        }
    }

    @Test func stateErrorsNameFileLineAndField() {
        do {
            _ = try StateDecoder.decode(yaml: """
            nodes: {n1: {online: true}, n3: {online: true}, n2: {unclean: true, online: true}}
            resources: {web: {n1: promoted}, wbe: {n1: started}}
            failcounts: {web: {n1: -1}}
            now: yesterday
            """, file: "s.yaml", config: config)
            Issue.record("expected errors")
        } catch {
            #expect(error.code == .invalidState)
            #expect(error.diagnostics.map(\.description) == [
                "s.yaml:1:29: nodes.n3: unknown key 'n3'; did you mean 'n1'?",
                "s.yaml:1:77: nodes.n2.online: an unclean node is lost, so it cannot be online",
                "s.yaml:2:23: resources.web.n1: 'web' is not promotable; expected started, failed or stopped",
                "s.yaml:2:34: resources.wbe: unknown key 'wbe'; did you mean 'web'?",
                "s.yaml:3:24: failcounts.web.n1: expected a failcount of 0 or more (or INFINITY), got -1",
                "s.yaml:4:6: now: expected a time such as 2026-11-25T10:00:00Z, got 'yesterday'",
            ])
        }
    }
}
