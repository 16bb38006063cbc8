import Testing

/// Suite-level fixture: starts an etcd cluster once around a whole suite, publishes it in
/// a task local to the suite's tests, and stops it afterwards (also when tests fail).
struct EtcdFixture: SuiteTrait, TestScoping {
    /// The cluster of the suite running now.
    @TaskLocal static var cluster: EtcdCluster?

    let members: Int

    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await EtcdCluster.with(members: members) { cluster in
            try await EtcdFixture.$cluster.withValue(cluster) {
                try await function()
            }
        }
    }

    /// The current suite's cluster (fails when the suite has no fixture).
    static func current() throws -> EtcdCluster {
        guard let cluster else { throw TestFailure("no etcd fixture: add .etcd(members:) to the suite") }
        return cluster
    }
}

extension Trait where Self == EtcdFixture {
    /// Runs the suite against one etcd cluster of `members` members started for it.
    static func etcd(members: Int) -> EtcdFixture { EtcdFixture(members: members) }
}
