import Testing
import VigilModel
import VigilNode
import VigilCluster

/// The order a leaving agent stops its resources in: dependents first.
@Suite("Leave stop order")
struct LeaveStopOrderTests {
    static let yaml = """
        cluster: {name: t}
        nodes: [{name: n1}]
        resources:
          - {name: vip, agent: process, params: {command: [/bin/true]}}
          - {name: web, agent: process, params: {command: [/bin/true]}}
          - {name: db, agent: process, params: {command: [/bin/true]}}
          - {name: app, agent: process, params: {command: [/bin/true]}}
          - {name: cache, agent: process, params: {command: [/bin/true]}}
          - {name: side, agent: process, params: {command: [/bin/true]}}
        groups:
          - {name: front, members: [vip, web]}
        constraints:
          - order: {first: db, then: front}
          - order: {first: cache, then: app, symmetrical: false}
        """

    @Test func dependentsStopFirstAndUnrelatedResourcesAtOnce() throws {
        let config = try ConfigDecoder.decode(yaml: Self.yaml, file: "t.yaml")
        let dependents = LeaveStopOrder.dependents(in: config)
        #expect(dependents["vip"] == ["web"])
        #expect(dependents["db"] == ["vip", "web"])
        // An asymmetrical order says nothing about stops.
        #expect(dependents["cache"] == nil)
        let waves = LeaveStopOrder.waves(["app", "cache", "db", "side", "vip", "web"], dependents: dependents)
        #expect(waves == [["app", "cache", "side", "web"], ["vip"], ["db"]])
        // What is not active does not hold anything up.
        #expect(LeaveStopOrder.waves(["db", "vip"], dependents: dependents) == [["vip"], ["db"]])
        #expect(LeaveStopOrder.waves([], dependents: dependents).isEmpty)
    }

    @Test func aCycleEndsInOneWave() {
        let waves = LeaveStopOrder.waves(["a", "b", "c"], dependents: ["a": ["b"], "b": ["a"]])
        #expect(waves == [["c"], ["a", "b"]])
    }
}
