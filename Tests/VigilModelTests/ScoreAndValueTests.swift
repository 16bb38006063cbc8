import Testing
import VigilModel

@Suite("Scores, durations, rules, timestamps")
struct ScoreAndValueTests {
    @Test func scoreArithmeticFollowsPacemaker() {
        #expect(Score.infinity + .minusInfinity == .minusInfinity)
        #expect(Score.minusInfinity + .infinity == .minusInfinity)
        #expect(Score.infinity + Score(-5) == .infinity)
        #expect(Score(999_999) + Score(5) == .infinity)
        #expect(Score(-999_999) + Score(-5) == .minusInfinity)
        #expect(Score(3) + Score(4) == Score(7))
        #expect(Score.parse("-INFINITY") == .minusInfinity)
        #expect(Score.parse("+infinity") == .infinity)
        #expect(Score.parse("2000000") == .infinity)
        #expect(Score.parse("99999999999999999999999") == .infinity)
        #expect(Score.parse("1.5") == nil)
        #expect(Score.infinity.scaled(by: 0.5) == Score(500_000))
    }

    @Test(arguments: [("500ms", Duration.milliseconds(500)), ("3s", .seconds(3)), ("2m", .seconds(120)), ("1h", .seconds(3600)), ("0", .zero)])
    func durationsParse(_ text: String, _ expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
        #expect(DurationParser.parse(DurationParser.format(expected)) == expected)
    }

    @Test(arguments: ["", "3", "3 s", "-1s", "1.5s", "3d", "s"])
    func badDurationsDoNotParse(_ text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test func rulesEvaluateLikePacemaker() throws {
        let node = NodeConfig(name: "n1", attributes: ["rack": "B", "weight": "10"])
        func rule(_ text: String) throws -> Rule { try Rule.parse(text).get() }
        #expect(try rule("rack eq b").matches(node))
        #expect(try rule("#uname eq N1").matches(node))
        #expect(try rule("weight gt 9").matches(node))
        #expect(try !rule("weight lt 9").matches(node))
        #expect(try rule("zone ne a").matches(node))
        #expect(try !rule("zone lt z").matches(node))
        #expect(try rule("defined rack and not_defined zone").matches(node))
        #expect(try rule("zone eq a or rack eq b").matches(node))
        #expect(try !rule("zone eq a and rack eq b").matches(node))
    }

    /// Issue 15: a rule reads an attribute set at run time before the configured one, names
    /// the attributes it reads, and a configuration knows every attribute its rules read.
    @Test func rulesReadRuntimeAttributesFirst() throws {
        let node = NodeConfig(name: "n1", attributes: ["rack": "a"])
        let rule = try Rule.parse("rack eq b or pingd lte 0").get()
        #expect(!rule.matches(node))
        #expect(rule.matches { ClusterConfig.attribute($0, of: node, runtime: ["rack": "b"]) })
        #expect(rule.matches { ClusterConfig.attribute($0, of: node, runtime: ["pingd": "0"]) })
        #expect(!rule.matches { ClusterConfig.attribute($0, of: node, runtime: ["pingd": "100"]) })
        #expect(rule.attributes == ["rack", "pingd"])
        #expect(ClusterConfig.attribute("#uname", of: node, runtime: ["#uname": "x"]) == "n1")
        let config = try ConfigDecoder.decode(yaml: """
            cluster: {name: t}
            nodes: [{name: n1}]
            resources: [{name: web, agent: process, params: {command: [/bin/true]}}]
            constraints:
              - location: {resource: web, rule: "not_defined pingd or pingd lte 0", score: -INFINITY}
              - location: {resource: web, rule: "#uname eq n1 and rack ne a", score: 10}
              - location: {resource: web, node: n1, score: 5}
            """, file: "c.yaml")
        #expect(config.ruleAttributes == ["pingd", "rack"])
    }

    @Test func timestampsRoundTrip() {
        let time = Timestamp.parse("2026-11-25T10:00:00Z")
        #expect(time?.millisecondsSinceEpoch == 1_795_600_800_000)
        #expect(time?.description == "2026-11-25T10:00:00Z")
        #expect(Timestamp.parse("1969-12-31T23:59:59.999Z")?.description == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.parse("2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-11-25 10:00:00") == nil)
    }
}
