import Foundation
import VigilModel
import VigilScheduler
import Yams

/// One data-driven scheduler case: a file holding `config`, `state` and `expect`.
struct Scenario {
    var name: String
    var description: String
    var rules: [Int]
    var config: ClusterConfig
    var state: ClusterState
    var expectedPlacements: [String: Placement]
    var expectedActions: [String]
    var expectedOrder: [(String, String)]
    var expectedUnplaced: [String]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scenarios")

    /// Every scenario file name, sorted.
    static func allNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func load(_ name: String) throws -> Scenario {
        let path = directory.appendingPathComponent(name).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let config = try ConfigDecoder.decode(yaml: text, file: name, key: "config")
        let state = try StateDecoder.decode(yaml: text, file: name, key: "state", config: config)
        guard let root = try Yams.load(yaml: text) as? [String: Any], let expect = root["expect"] as? [String: Any] else {
            throw ScenarioError("\(name): missing expect")
        }
        var placements: [String: Placement] = [:]
        for (resource, value) in expect["placements"] as? [String: Any] ?? [:] {
            if let roles = value as? [String: Any] {
                placements[resource] = .roles(promoted: strings(roles["promoted"]).sorted(),
                                              unpromoted: strings(roles["unpromoted"]).sorted())
            } else {
                placements[resource] = .nodes(strings(value).sorted())
            }
        }
        let order = (expect["order"] as? [Any] ?? []).compactMap { pair -> (String, String)? in
            let items = strings(pair)
            return items.count == 2 ? (items[0], items[1]) : nil
        }
        return Scenario(
            name: name, description: root["description"] as? String ?? "",
            rules: (root["rules"] as? [Any] ?? []).compactMap { $0 as? Int },
            config: config, state: state, expectedPlacements: placements,
            expectedActions: strings(expect["actions"]), expectedOrder: order,
            expectedUnplaced: strings(expect["unplaced"]))
    }

    static func strings(_ value: Any?) -> [String] {
        (value as? [Any] ?? []).map { "\($0)".split(whereSeparator: \.isWhitespace).joined(separator: " ") }
    }
}

struct ScenarioError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Transition {
    /// Whether action `later` transitively waits for action `earlier`.
    func waits(_ later: Int, for earlier: Int) -> Bool {
        var stack = [later]
        var seen: Set<Int> = []
        while let current = stack.popLast() {
            for predecessor in actions[current].after {
                if predecessor == earlier { return true }
                if seen.insert(predecessor).inserted { stack.append(predecessor) }
            }
        }
        return false
    }
}
