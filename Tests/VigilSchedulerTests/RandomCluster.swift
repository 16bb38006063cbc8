import VigilModel

/// A deterministic random number generator (SplitMix64), so a failing seed replays.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random cluster configurations and states, written as YAML so that the decoder and
/// its validation take part (an invalid draw, e.g. an ordering cycle, is redrawn).
struct RandomCluster {
    var configYAML: String
    var stateYAML: String
    var config: ClusterConfig
    var state: ClusterState

    static func make(seed: Int, maxNodes: Int = 8, maxResources: Int = 12) -> RandomCluster {
        var rng = SplitMix64(seed: UInt64(seed))
        for _ in 0..<50 {
            let (configYAML, stateYAML) = draw(&rng, maxNodes: maxNodes, maxResources: maxResources)
            guard let config = try? ConfigDecoder.decode(yaml: configYAML, file: "random-\(seed).yaml") else { continue }
            guard let state = try? StateDecoder.decode(yaml: stateYAML, file: "random-\(seed)-state.yaml", config: config)
            else { continue }
            return RandomCluster(configYAML: configYAML, stateYAML: stateYAML, config: config, state: state)
        }
        fatalError("seed \(seed): no valid draw in 50 tries")
    }

    private static func pick<T>(_ items: [T], _ rng: inout SplitMix64) -> T {
        items[Int.random(in: 0..<items.count, using: &rng)]
    }

    private static func chance(_ p: Double, _ rng: inout SplitMix64) -> Bool {
        Double.random(in: 0..<1, using: &rng) < p
    }

    private static func draw(_ rng: inout SplitMix64, maxNodes: Int, maxResources: Int) -> (String, String) {
        let nodeCount = Int.random(in: 1...maxNodes, using: &rng)
        let nodes = (1...nodeCount).map { "n\($0)" }
        let resourceCount = Int.random(in: 1...maxResources, using: &rng)
        enum Kind { case primitive, clone, promotable }
        var kinds: [Kind] = []
        var config = "cluster:\n  name: random\n"
        config += "  no-quorum-policy: \(pick(["stop", "freeze", "ignore"], &rng))\n"
        config += "  fencing: \(pick(["self", "disabled", "self"], &rng))\n"
        config += "  stickiness: \(pick(["0", "0", "1", "100", "INFINITY"], &rng))\n"
        config += "nodes:\n"
        for node in nodes {
            config += "  - {name: \(node), attributes: {rack: \(pick(["a", "b", "c"], &rng)), weight: \(Int.random(in: 1...9, using: &rng))}}\n"
        }
        config += "resources:\n"
        for r in 0..<resourceCount {
            let kind: Kind = chance(0.6, &rng) ? .primitive : (chance(0.5, &rng) ? .clone : .promotable)
            kinds.append(kind)
            var line = "  - {name: r\(r), agent: \"ocf:pacemaker:Dummy\""
            switch kind {
            case .primitive: break
            case .clone:
                line += ", clone: {max: \(Int.random(in: 1...nodeCount + 1, using: &rng)), per-node: \(pick([1, 1, 2], &rng))}"
            case .promotable:
                line += ", promotable: {max: \(Int.random(in: 1...nodeCount + 1, using: &rng)), promoted-max: \(pick([0, 1, 1, 2], &rng))}"
            }
            if chance(0.3, &rng) { line += ", migration-threshold: \(Int.random(in: 1...3, using: &rng))" }
            if chance(0.2, &rng) { line += ", stickiness: \(pick(["0", "5", "INFINITY"], &rng))" }
            if chance(0.08, &rng) {
                line += ", target-role: " + (kind == .promotable ? pick(["stopped", "unpromoted"], &rng) : "stopped")
            }
            config += line + "}\n"
        }
        // Groups of consecutive primitives.
        let primitives = (0..<resourceCount).filter { kinds[$0] == .primitive }
        var grouped: Set<Int> = []
        var groupIndex = 0
        var cursor = 0
        var groupLines = ""
        while cursor + 1 < primitives.count {
            if chance(0.3, &rng) {
                let size = min(Int.random(in: 2...3, using: &rng), primitives.count - cursor)
                let members = primitives[cursor..<cursor + size]
                groupLines += "  - {name: g\(groupIndex), members: [\(members.map { "r\($0)" }.joined(separator: ", "))]}\n"
                grouped.formUnion(members)
                groupIndex += 1
                cursor += size
            } else {
                cursor += 1
            }
        }
        if !groupLines.isEmpty { config += "groups:\n" + groupLines }
        let scores = ["-INFINITY", "-100", "0", "50", "100", "INFINITY"]
        var constraints: [String] = []
        let names = (0..<resourceCount).map { "r\($0)" } + (0..<groupIndex).map { "g\($0)" }
        for _ in 0..<Int.random(in: 0...resourceCount * 2, using: &rng) {
            let r = Int.random(in: 0..<resourceCount, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                if chance(0.3, &rng) {
                    constraints.append("{location: {resource: \(pick(names, &rng)), rule: \"\(pick(["rack eq a", "rack ne b", "weight gt 4", "defined rack and weight lte 3", "#uname eq n1 or rack eq c"], &rng))\", score: \(pick(scores, &rng))}}")
                } else {
                    let role = kinds[r] == .promotable && chance(0.3, &rng) ? ", role: promoted" : ""
                    constraints.append("{location: {resource: r\(r), node: \(pick(nodes, &rng)), score: \(pick(scores, &rng))\(role)}}")
                }
            case 1:
                let other = Int.random(in: 0..<resourceCount, using: &rng)
                guard other != r else { continue }
                var line = "{colocation: {resource: r\(r), with: r\(other), score: \(pick(["INFINITY", "INFINITY", "-INFINITY", "100", "-100"], &rng))"
                if kinds[other] == .promotable && chance(0.4, &rng) { line += ", with-role: promoted" }
                if kinds[r] == .promotable && chance(0.2, &rng) { line += ", role: promoted" }
                constraints.append(line + "}}")
            default:
                let other = Int.random(in: 0..<resourceCount, using: &rng)
                guard other != r else { continue }
                let (first, then) = r < other ? (r, other) : (other, r)
                var line = "{order: {first: r\(first), then: r\(then), kind: \(pick(["mandatory", "mandatory", "optional", "serialize"], &rng))"
                if kinds[first] == .promotable && chance(0.3, &rng) && !line.contains("serialize") { line += ", first-action: promote" }
                constraints.append(line + "}}")
            }
        }
        if !constraints.isEmpty { config += "constraints:\n" + constraints.map { "  - \($0)\n" }.joined() }

        var state = "quorum: \(chance(0.85, &rng))\nnodes:\n"
        for node in nodes {
            let status = pick(["online", "online", "online", "online", "online", "offline", "standby", "unclean", "maintenance"], &rng)
            switch status {
            case "offline": state += "  \(node): {online: false}\n"
            case "standby": state += "  \(node): {online: true, standby: true}\n"
            case "unclean": state += "  \(node): {unclean: true}\n"
            case "maintenance": state += "  \(node): {online: true, maintenance: true}\n"
            default: state += "  \(node): {online: true}\n"
            }
        }
        state += "resources:\n"
        var failcounts = ""
        var promotionScores = ""
        for r in 0..<resourceCount {
            var entries: [String] = []
            for node in nodes where chance(kinds[r] == .primitive ? 0.15 : 0.4, &rng) {
                let value: String
                switch kinds[r] {
                case .primitive, .clone: value = pick(["started", "started", "started", "failed"], &rng)
                case .promotable: value = pick(["promoted", "unpromoted", "unpromoted", "failed"], &rng)
                }
                entries.append("\(node): \(value)")
                if chance(0.2, &rng) { failcounts += "  r\(r): {\(node): \(pick(["1", "2", "3", "INFINITY"], &rng))}\n" }
            }
            if !entries.isEmpty { state += "  r\(r): {\(entries.joined(separator: ", "))}\n" }
            if kinds[r] == .promotable {
                let scored = nodes.filter { _ in chance(0.6, &rng) }.map { "\($0): \(Int.random(in: -5...20, using: &rng))" }
                if !scored.isEmpty { promotionScores += "  r\(r): {\(scored.joined(separator: ", "))}\n" }
            }
        }
        if !failcounts.isEmpty {
            // A resource may be drawn twice above; keep the first line per resource.
            var seen: Set<String> = []
            let lines = failcounts.split(separator: "\n").filter { seen.insert(String($0.split(separator: ":")[0])).inserted }
            state += "failcounts:\n" + lines.map { $0 + "\n" }.joined()
        }
        if !promotionScores.isEmpty { state += "promotion-scores:\n" + promotionScores }
        return (config, state)
    }
}
