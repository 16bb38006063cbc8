import VigilModel

extension SchedulerRun {
    func placements() -> [String: Placement] {
        var result: [String: Placement] = [:]
        for r in resources.indices {
            let names = target[r].map { nodeNames[$0] }.sorted()
            if resources[r].isPromotable {
                var unpromoted = names
                var promotedNames: [String] = []
                for n in promoted[r].sorted(by: { nameRank[$0] < nameRank[$1] }) {
                    promotedNames.append(nodeNames[n])
                    if let index = unpromoted.firstIndex(of: nodeNames[n]) { unpromoted.remove(at: index) }
                }
                result[resources[r].name] = .roles(promoted: promotedNames, unpromoted: unpromoted)
            } else {
                result[resources[r].name] = .nodes(names)
            }
        }
        return result
    }

    func unplaced() -> [String] {
        resources.indices.filter { resources[$0].targetRole != .stopped && target[$0].isEmpty }.map { resources[$0].name }
    }
}
