import VigilStore

extension ClusterClient {
    /// Restarts a resource (or group) everywhere: holds it stopped (`stopped: true` in
    /// `resources/<resource>/admin`), waits until no live member reports it active, then
    /// lifts the hold so the coordinator starts it again.
    ///
    /// The wait watches the keyspace (no polling) and is bounded by `timeout` on the
    /// client's clock. On timeout the hold is lifted anyway and the call throws `timeout`.
    ///
    /// - Throws: ``VigilClusterError`` `notFound`, `noConfiguration`, `conflict`, `timeout`;
    ///   `VigilStoreError`.
    public func restart(_ resource: String, timeout: Duration) async throws {
        try await setStopped(resource, true)
        let stopped: Bool
        do {
            stopped = try await waitUntilStopped(resource, timeout: timeout)
        } catch {
            try? await setStopped(resource, false)
            throw error
        }
        try await setStopped(resource, false)
        if !stopped {
            throw VigilClusterError(
                .timeout, "\(resource) did not stop within \(timeout); the stop hold was lifted, it was not restarted cleanly")
        }
    }

    func setStopped(_ resource: String, _ stopped: Bool) async throws {
        _ = try await updateResourceAdmin(resource, node: nil, kind: stopped ? "resource-stop" : "resource-start") { admin, _ in
            admin.stopped = stopped
            return stopped ? "restart \(resource): hold it stopped" : "restart \(resource): start it again"
        }
    }

    /// Watches until no live member reports any of the resource's primitives active;
    /// false when `timeout` passed first.
    func waitUntilStopped(_ resource: String, timeout: Duration) async throws -> Bool {
        let clock = self.clock
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await watchViews { view in
                    let members = (try? Self.members(of: resource, in: requireConfig(view))) ?? [resource]
                    return Self.runningNodes(of: members, in: view).isEmpty
                }
                return true
            }
            group.addTask {
                try await clock.sleep(for: timeout, tolerance: nil)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
    }

    /// Reads the keyspace and calls `body` with the view, then again after every change
    /// (watching from the read's revision + 1; starting over with a read when the watch
    /// is compacted or ends), until `body` returns true or the task is cancelled.
    public func watchViews(_ body: (ClusterView) async throws -> Bool) async throws {
        while !Task.isCancelled {
            let range = try await keyspace.readView(store)
            var view = ClusterView(keyspace: keyspace, range: range)
            if try await body(view) { return }
            for try await update in store.watch(prefix: keyspace.prefix, fromRevision: range.revision + 1, previousValues: false) {
                guard case .events(let events, let revision) = update else { break }
                if view.apply(events, revision: revision), try await body(view) { return }
            }
        }
        try Task.checkCancellation()
    }
}
