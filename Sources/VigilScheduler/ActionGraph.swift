import VigilModel

/// Actions and their "waits for" edges, sorted into a deterministic topological order.
struct ActionGraph {
    struct Entry {
        var kind: ActionKind
        var resource: Int
        var node: Int
        /// (phase, resource, node rank): the order among actions that are ready together.
        var key: (Int, Int, Int)
    }

    var entries: [Entry] = []
    var predecessors: [[Int]] = []

    static func phase(_ kind: ActionKind) -> Int {
        switch kind {
        case .fence: 0
        case .demote: 1
        case .stop: 2
        case .start: 3
        case .promote: 4
        }
    }

    mutating func add(kind: ActionKind, resource: Int, node: Int, key: (Int, Int, Int)) -> Int {
        entries.append(Entry(kind: kind, resource: resource, node: node, key: key))
        predecessors.append([])
        return entries.count - 1
    }

    /// Every action in `after` waits for every action in `before`.
    mutating func order(before: [Int], after: [Int]) {
        guard !before.isEmpty, !after.isEmpty else { return }
        for b in after {
            for a in before where a != b { predecessors[b].append(a) }
        }
    }

    func less(_ a: Int, _ b: Int) -> Bool {
        let x = entries[a].key, y = entries[b].key
        if x.0 != y.0 { return x.0 < y.0 }
        if x.1 != y.1 { return x.1 < y.1 }
        if x.2 != y.2 { return x.2 < y.2 }
        return a < b
    }

    /// Kahn's algorithm, smallest key first among the ready actions. A cycle (which
    /// validation should prevent) is broken by dropping the edges into the smallest
    /// remaining action.
    func sorted(resourceName: (Int) -> String, nodeName: (Int) -> String) -> [PlannedAction] {
        let count = entries.count
        var preds = predecessors.map { Array(Set($0)) }
        var successors = Array(repeating: [Int](), count: count)
        var waiting = Array(repeating: 0, count: count)
        for b in 0..<count {
            waiting[b] = preds[b].count
            for a in preds[b] { successors[a].append(b) }
        }
        var heap = MinHeap(less: less)
        for i in 0..<count where waiting[i] == 0 { heap.push(i) }
        var position = Array(repeating: -1, count: count)
        var order: [Int] = []
        order.reserveCapacity(count)
        while order.count < count {
            guard let next = heap.pop() else {
                // A cycle: release the smallest unplaced action.
                guard let stuck = (0..<count).filter({ position[$0] < 0 && waiting[$0] > 0 }).min(by: less) else { break }
                preds[stuck] = preds[stuck].filter { position[$0] >= 0 }
                waiting[stuck] = 0
                heap.push(stuck)
                continue
            }
            position[next] = order.count
            order.append(next)
            for s in successors[next] where position[s] < 0 {
                waiting[s] -= 1
                if waiting[s] == 0 { heap.push(s) }
            }
        }
        return order.map { i in
            let entry = entries[i]
            let after = preds[i].compactMap { position[$0] >= 0 && position[$0] < position[i] ? position[$0] : nil }.sorted()
            return PlannedAction(kind: entry.kind, resource: entry.resource >= 0 ? resourceName(entry.resource) : nil,
                                 node: nodeName(entry.node), after: after)
        }
    }
}

/// A binary min-heap of action indexes.
struct MinHeap {
    var items: [Int] = []
    let less: (Int, Int) -> Bool

    init(less: @escaping (Int, Int) -> Bool) {
        self.less = less
    }

    mutating func push(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count && less(items[left], items[smallest]) { smallest = left }
                if right < items.count && less(items[right], items[smallest]) { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
