import Synchronization

/// Records self-fence calls with what the store said about the lease at that moment.
final class FenceLog: Sendable {
    struct Entry: Sendable {
        var lease: Int64
        var leaseAliveAtStore: Bool
    }

    private let entries = Mutex<[Entry]>([])

    func record(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    var all: [Entry] { entries.withLock { $0 } }
}
