/// Generates synthetic clusters for benchmarks: primitives, groups of three, clones,
/// promotables and about one constraint per two resources, on N nodes, with a state in
/// which most things run, one node is lost and a few instances failed. Deterministic for
/// a given seed; colocations and orders only point at earlier resources, so there are
/// no cycles.
struct SyntheticCluster {
    var resources: Int
    var nodes: Int
    var seed: UInt64

    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    enum Kind { case primitive, grouped, clone, promotable }

    /// The configuration and state as YAML text.
    func yaml() -> (config: String, state: String) {
        var rng = Generator(state: seed)
        var kinds: [Kind] = []
        while kinds.count < resources {
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 45 { kinds.append(.primitive) }
            else if roll < 75 && kinds.count + 3 <= resources { kinds += [.grouped, .grouped, .grouped] }
            else if roll < 90 { kinds.append(.clone) }
            else { kinds.append(.promotable) }
        }
        let nodeNames = (1...nodes).map { "node\($0)" }
        var config = "cluster: {name: bench, no-quorum-policy: stop, fencing: self, stickiness: 1}\nnodes:\n"
        for (index, node) in nodeNames.enumerated() {
            config += "  - {name: \(node), attributes: {rack: r\(index % 4), zone: z\(index % 2)}}\n"
        }
        config += "resources:\n"
        for (index, kind) in kinds.enumerated() {
            switch kind {
            case .primitive, .grouped:
                config += "  - {name: res\(index), agent: \"ocf:heartbeat:Dummy\", migration-threshold: 3}\n"
            case .clone:
                config += "  - {name: res\(index), agent: \"ocf:heartbeat:Dummy\", clone: {max: \(min(nodes, 3 + index % 5))}}\n"
            case .promotable:
                config += "  - {name: res\(index), agent: \"ocf:pacemaker:Stateful\", promotable: {max: 3, promoted-max: 1}}\n"
            }
        }
        var groups = ""
        var index = 0
        var groupCount = 0
        while index < kinds.count {
            if kinds[index] == .grouped {
                groups += "  - {name: grp\(groupCount), members: [res\(index), res\(index + 1), res\(index + 2)]}\n"
                groupCount += 1
                index += 3
            } else {
                index += 1
            }
        }
        if !groups.isEmpty { config += "groups:\n" + groups }
        config += "constraints:\n"
        // The unit each resource belongs to, so constraints never join a group with itself.
        var unit: [Int] = []
        index = 0
        while index < kinds.count {
            if kinds[index] == .grouped {
                unit += [index, index, index]
                index += 3
            } else {
                unit.append(index)
                index += 1
            }
        }
        for _ in 0..<(resources / 2) {
            let r = Int.random(in: 0..<resources, using: &rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4:
                if Bool.random(using: &rng) {
                    config += "  - location: {resource: res\(r), node: \(nodeNames[Int.random(in: 0..<nodes, using: &rng)]), score: \(Int.random(in: -50...200, using: &rng))}\n"
                } else {
                    config += "  - location: {resource: res\(r), rule: \"rack eq r\(Int.random(in: 0..<4, using: &rng)) and zone ne z1\", score: 100}\n"
                }
            case 4..<7:
                // Dependent points at an earlier unit: no colocation cycles.
                let primary = Int.random(in: 0..<max(1, r), using: &rng)
                guard unit[primary] < unit[r], kinds[r] != .grouped || r == unit[r] else { continue }
                let score = [100, 500, "INFINITY", -100] as [Any]
                config += "  - colocation: {resource: res\(r), with: res\(primary), score: \(score[Int.random(in: 0..<4, using: &rng)])}\n"
            default:
                let first = Int.random(in: 0..<max(1, r), using: &rng)
                guard unit[first] < unit[r] else { continue }
                config += "  - order: {first: res\(first), then: res\(r), kind: \(Bool.random(using: &rng) ? "mandatory" : "optional")}\n"
            }
        }
        var state = "quorum: true\nnodes:\n"
        let lost = nodes - 1
        for (n, node) in nodeNames.enumerated() {
            state += n == lost ? "  \(node): {unclean: true}\n" : "  \(node): {online: true}\n"
        }
        state += "resources:\n"
        var promotion = ""
        var failcounts = ""
        index = 0
        while index < kinds.count {
            let node = nodeNames[Int.random(in: 0..<nodes, using: &rng)]
            let running = Int.random(in: 0..<10, using: &rng) < 8
            switch kinds[index] {
            case .grouped:
                if running {
                    for member in index..<index + 3 { state += "  res\(member): {\(node): started}\n" }
                }
                index += 3
                continue
            case .primitive:
                if running {
                    let failed = Int.random(in: 0..<50, using: &rng) == 0
                    state += "  res\(index): {\(node): \(failed ? "failed" : "started")}\n"
                    if failed { failcounts += "  res\(index): {\(node): 1}\n" }
                }
            case .clone:
                if running {
                    let count = min(nodes, 3 + index % 5)
                    let start = Int.random(in: 0..<nodes, using: &rng)
                    let placed = (0..<count).map { "\(nodeNames[(start + $0) % nodes]): started" }
                    state += "  res\(index): {\(placed.joined(separator: ", "))}\n"
                }
            case .promotable:
                let start = Int.random(in: 0..<nodes, using: &rng)
                let three = (0..<min(3, nodes)).map { nodeNames[(start + $0) % nodes] }
                if running {
                    let roles = three.enumerated().map { "\($1): \($0 == 0 ? "promoted" : "unpromoted")" }
                    state += "  res\(index): {\(roles.joined(separator: ", "))}\n"
                }
                promotion += "  res\(index): {\(three.enumerated().map { "\($1): \(10 - $0)" }.joined(separator: ", "))}\n"
            }
            index += 1
        }
        if !failcounts.isEmpty { state += "failcounts:\n" + failcounts }
        if !promotion.isEmpty { state += "promotion-scores:\n" + promotion }
        return (config, state)
    }
}
