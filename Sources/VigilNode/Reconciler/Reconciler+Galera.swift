import VigilCluster
import VigilModel
import Foundation
import VigilAgents
import VigilStore

/// Galera nodes: positions recovered and published before a start, the start decided by
/// ``GaleraStartRule``, and the running node's wsrep state watched and reported.
extension Reconciler {
    /// A Galera node assigned to start: recover its position first (once per stop), then
    /// start as ``GaleraStartRule`` decides, or wait with the reason in its status.
    func galeraGate(_ name: String) async {
        guard var local = locals[name], let galera = local.handle.galera, local.busy == nil else { return }
        guard let position = local.galeraPosition else {
            if let retry = local.galeraRetryAt, clock.now() < retry { return }
            local.busy = .probe
            locals[name] = local
            logger.info("recovering the Galera position", metadata: ["resource": "\(name)"])
            spawn {
                let result = await galera.recoverPosition()
                await self.galeraRecovered(name, result)
            }
            return
        }
        let decision = GaleraStartRule.decide(resource: name, node: node, position: position, view: view)
        switch decision {
        case .wait(let reason):
            guard local.message != reason || !local.clusterWaiting else { return }
            local.message = reason
            local.clusterWaiting = true
            locals[name] = local
            logger.info("galera start waits", metadata: ["resource": "\(name)", "reason": "\(reason)"])
            await writeStatus(name, event: nil)
        case .join(let position):
            local.clusterWaiting = false
            local.galeraStart = (.join(position), nil)
            locals[name] = local
            begin(.start, on: name)
        case .bootstrap(let position, let revision):
            local.clusterWaiting = false
            local.galeraStart = (.bootstrap(position), revision)
            locals[name] = local
            begin(.start, on: name)
        }
    }

    private func galeraRecovered(_ name: String, _ result: Result<GaleraPosition, AgentsError>) async {
        guard var local = locals[name], local.busy == .probe else { return }
        local.busy = nil
        switch result {
        case .success(let position):
            local.galeraPosition = position
            local.galeraRetryAt = nil
            local.message = nil
            locals[name] = local
            logger.info("galera position", metadata: ["resource": "\(name)", "position": "\(position)", "safe": "\(position.safeToBootstrap)"])
            await publishPosition(name, position, running: false, bootstrapRevision: nil)
        case .failure(let error):
            local.message = "position recovery failed: \(error.message)"
            local.galeraRetryAt = clock.now() + .seconds(5)
            locals[name] = local
            logger.error("galera position recovery failed", metadata: ["resource": "\(name)", "error": "\(error.message)"])
            await writeStatus(name, event: local.message)
        }
        await evaluate()
    }

    /// Writes `galera/<name>/positions/<node>` (not leased; guarded by this incarnation).
    /// - Returns: whether it was written.
    @discardableResult
    private func publishPosition(_ name: String, _ position: GaleraPosition, running: Bool, bootstrapRevision: Int64?) async -> Bool {
        guard let identity else { return false }
        let earlier = view.galeraPositions[name]?[node]?.record.bootstrapRevision
        let record = GaleraPositionRecord(
            uuid: position.uuid, seqno: position.seqno, safeToBootstrap: position.safeToBootstrap, empty: position.empty,
            running: running, since: wallClock().description, bootstrapRevision: bootstrapRevision ?? earlier)
        guard let value = try? JSONEncoder().encode(record) else { return false }
        do {
            let result = try await store.txn(
                Txn(
                    compares: [memberGuard(identity)],
                    success: [.put(key: keyspace.galeraPosition(name, on: node), value: Array(value), lease: nil)]))
            return result.succeeded
        } catch {
            logger.warning("galera position not published", metadata: ["resource": "\(name)", "error": "\(error)"])
            return false
        }
    }

    /// Just before a Galera node starts: records that it may now run (its published
    /// position no longer bounds what it holds) and hands the start mode to the executor.
    /// - Returns: false when that record cannot be written (the start is abandoned).
    func galeraBeforeStart(_ name: String) async -> Bool {
        guard let local = locals[name], let galera = local.handle.galera, let start = local.galeraStart else { return false }
        let position: GaleraPosition
        switch start.mode {
        case .bootstrap(let p), .join(let p): position = p
        }
        guard await publishPosition(name, position, running: true, bootstrapRevision: start.bootstrapRevision) else { return false }
        locals[name]?.galeraStart = nil
        locals[name]?.galeraPosition = nil
        locals[name]?.message = nil
        await galera.prepare(start.mode)
        if case .bootstrap = start.mode {
            let message = "bootstrapping the Galera cluster from \(position)"
            logger.notice("\(message)", metadata: ["resource": "\(name)"])
            if let identity {
                _ = try? await store.txn(
                    Txn(compares: [memberGuard(identity)], success: [eventOp(resource: name, kind: "galera-bootstrap", message: message)]))
            }
        }
        return true
    }

    /// Polls a running Galera node's wsrep state every second while its monitoring
    /// generation lasts; runs `pc.bootstrap` when the coordinator chose it for that.
    func watchGalera(_ name: String, _ generation: Int, _ galera: GaleraExecutor) {
        let clock = self.clock
        spawn {
            while !Task.isCancelled, await self.isCurrent(name, generation) {
                let state = await galera.state()
                if let revision = await self.galeraObserved(name, generation, state) {
                    let outcome = await galera.makePrimary()
                    await self.primaryRecovered(name, revision: revision, outcome)
                }
                do { try await clock.sleepUntil(clock.now() + .seconds(1)) } catch { return }
            }
        }
    }

    /// Records the observed state (a status write when it changed in a way that matters);
    /// returns the bootstrap choice's revision when this node is to run `pc.bootstrap`.
    private func galeraObserved(_ name: String, _ generation: Int, _ state: GaleraNodeState?) async -> Int64? {
        guard isCurrent(name, generation), var local = locals[name] else { return nil }
        let observed = state.map {
            GaleraInstanceStatus(
                state: $0.name, primary: $0.isPrimary, synced: $0.isSynced, donor: $0.isDonor, size: $0.clusterSize,
                seqno: $0.lastCommitted, uuid: $0.stateUUID)
        } ?? GaleraInstanceStatus(state: "unreachable", primary: false, synced: false, donor: false, size: 0, seqno: -1, uuid: "")
        let before = local.galera
        var changed = before == nil
        if let before {
            changed = before.state != observed.state || before.primary != observed.primary || before.synced != observed.synced
                || before.size != observed.size || before.uuid != observed.uuid || (!observed.primary && before.seqno != observed.seqno)
        }
        local.galera = observed
        // A donor whose joiner finished while the group changed views stays Donor/Desynced
        // for good (Galera logs the transfer as "from -1.-1 (left the group)"): it takes no
        // writer role and drops out of `?role=reader`. Once no node of its component is
        // receiving a transfer for `idleDonorLimit`, it is restarted as a failed instance
        // (it rejoins by IST).
        // (By its state: a stuck donor need not report wsrep_ready, which `donor` requires.)
        if observed.state == "Donor" && observed.primary && Self.nobodyJoins(view: view, resource: name, besides: node, size: observed.size) {
            if local.galeraIdleDonorSince == nil { local.galeraIdleDonorSince = clock.now() }
        } else {
            local.galeraIdleDonorSince = nil
        }
        let idleDonor = local.galeraIdleDonorSince.map { clock.now() - $0 >= Self.idleDonorLimit } ?? false
        locals[name] = local
        if changed {
            logger.info(
                "galera state", metadata: ["resource": "\(name)", "state": "\(observed.state)", "size": "\(observed.size)", "seqno": "\(observed.seqno)"])
            await writeStatus(name, event: nil)
        }
        if idleDonor {
            locals[name]?.galeraIdleDonorSince = nil
            await monitorFailed(
                name, generation,
                "galera: Donor/Desynced for \(Self.idleDonorLimit) while every other node of its Primary component is Synced "
                    + "(a state transfer that ended across a view change); restarting it to rejoin")
            return nil
        }
        guard !observed.primary, state != nil, let bootstrap = view.galeraBootstrap[name], bootstrap.record.node == node,
            bootstrap.record.mode == .pcBootstrap, locals[name]?.galeraPrimaryRecovered != bootstrap.modRevision
        else { return nil }
        locals[name]?.galeraPrimaryRecovered = bootstrap.modRevision
        return bootstrap.modRevision
    }

    /// How long a donor may stay Donor while no one receives a transfer.
    static let idleDonorLimit: Duration = .seconds(20)

    /// Whether every other member of a component of `size` nodes reports Synced in the
    /// Primary component (so no node is receiving a state transfer from anyone).
    static func nobodyJoins(view: ClusterView, resource: String, besides node: String, size: Int) -> Bool {
        let synced = view.status.filter { other, statuses in
            other != node && view.members[other] != nil && statuses[resource]?.galera?.synced == true
                && statuses[resource]?.galera?.primary == true
        }
        return size > 1 && synced.count == size - 1
    }

    private func primaryRecovered(_ name: String, revision: Int64, _ outcome: Result<Void, AgentsError>) async {
        let message: String
        switch outcome {
        case .success:
            message = "pc.bootstrap: Primary component recovered on this node (choice \(revision))"
            logger.notice("\(message)", metadata: ["resource": "\(name)"])
        case .failure(let error):
            message = "pc.bootstrap failed: \(error.message)"
            logger.error("\(message)", metadata: ["resource": "\(name)"])
        }
        guard let identity else { return }
        _ = try? await store.txn(
            Txn(compares: [memberGuard(identity)], success: [eventOp(resource: name, kind: "galera-primary", message: message)]))
    }
}
