import VigilCluster
import Foundation
import VigilAgents
import VigilModel
import VigilStore

/// RabbitMQ nodes: the start decided by ``RabbitMQStartRule`` from the node's data and the
/// view, the node record that orders the stops, and the running node watched: the AMQP
/// proof every second, its cluster every few seconds, ghosts forgotten and policies
/// applied by the first running node.
extension Reconciler {
    /// A RabbitMQ node assigned to start: start as ``RabbitMQStartRule`` decides, or wait
    /// with the reason in its status.
    func rabbitmqGate(_ name: String) async {
        guard var local = locals[name], let rabbitmq = local.handle.rabbitmq, local.busy == nil, let config = view.config,
            let resource = config.resource(named: name)
        else { return }
        guard let data = await rabbitmq.localData() else {
            local.message = "the node's data directory \(rabbitmq.spec.dataDirectory) cannot be read"
            locals[name] = local
            return
        }
        await publishRabbitMQRecord(name, nodename: rabbitmq.spec.nodename, data: data)
        guard let current = locals[name], current.busy == nil else { return }
        local = current
        switch RabbitMQStartRule.decide(resource: resource, node: node, nodename: rabbitmq.spec.nodename, local: data, view: view, config: config) {
        case .wait(let reason):
            guard local.message != reason || !local.clusterWaiting else { return }
            local.message = reason
            local.clusterWaiting = true
            locals[name] = local
            logger.info("rabbitmq start waits", metadata: ["resource": "\(name)", "reason": "\(reason)"])
            await writeStatus(name, event: nil)
        case .start(let mode):
            if case .join(let peer, _, _) = mode {
                let taken = await takeJoinTurn(name, peer: peer)
                guard var current = locals[name], current.busy == nil else {
                    if taken { await releaseJoinTurn(name) }
                    return
                }
                guard taken else {
                    let reason = "another node is joining the cluster: one node joins at a time"
                    if current.message != reason || !current.clusterWaiting {
                        current.message = reason
                        current.clusterWaiting = true
                        locals[name] = current
                        await writeStatus(name, event: nil)
                    }
                    return
                }
                local = current
                local.rabbitmqJoinTurn = true
            }
            local.clusterWaiting = false
            local.rabbitmqStart = mode
            locals[name] = local
            begin(.start, on: name)
        }
    }

    /// Takes the join turn: creates `rabbitmq/<resource>/joining` on this agent's lease if
    /// no node holds it (or finds it already this lease's). False when another node holds
    /// it, or etcd cannot say: the node waits and the gate runs again on the next change.
    private func takeJoinTurn(_ name: String, peer: String) async -> Bool {
        guard let identity, let value = try? JSONEncoder().encode(RabbitMQJoinRecord(node: node, peer: peer, since: wallClock().description))
        else { return false }
        let key = keyspace.rabbitmqJoining(name)
        do {
            let result = try await store.txn(Txn(
                compares: [memberGuard(identity), .absent(key)],
                success: [.put(key: key, value: Array(value), lease: identity.lease)],
                failure: [.get(.key(key))]))
            if result.succeeded {
                logger.info("rabbitmq join turn taken", metadata: ["resource": "\(name)", "peer": "\(peer)"])
                return true
            }
            guard case .get(let found)? = result.results.first else { return false }
            return found.first?.lease == identity.lease
        } catch {
            logger.warning("rabbitmq join turn not taken", metadata: ["resource": "\(name)", "error": "\(error)"])
            return false
        }
    }

    /// Gives the join turn back (only if it is still this lease's: a turn that outlived a
    /// lost lease belongs to nobody, or to a later joiner).
    func releaseJoinTurn(_ name: String) async {
        locals[name]?.rabbitmqJoinTurn = false
        guard let identity else { return }
        let key = keyspace.rabbitmqJoining(name)
        do {
            let result = try await store.txn(Txn(compares: [Compare(key: key, .equal, .lease(identity.lease))], success: [.delete(.key(key))]))
            if result.succeeded { logger.info("rabbitmq join turn released", metadata: ["resource": "\(name)"]) }
        } catch {
            // The key is on this agent's lease: it goes when the lease does.
            logger.warning("rabbitmq join turn not released", metadata: ["resource": "\(name)", "error": "\(error)"])
        }
    }

    /// Before a start: hands the mode to `rabbitmq`, the executor the start runs on (and
    /// records a formation or a `force_boot` as an event).
    func rabbitmqBeforeStart(_ name: String, _ rabbitmq: RabbitMQExecutor) async -> Bool {
        guard let local = locals[name], local.handle.rabbitmq === rabbitmq, let mode = local.rabbitmqStart else { return false }
        locals[name]?.rabbitmqStart = nil
        locals[name]?.message = nil
        await rabbitmq.prepare(mode)
        let notable: String? =
            switch mode {
            case .newCluster: "\(rabbitmq.spec.nodename) starts a new RabbitMQ cluster"
            case .forceBoot: "\(rabbitmq.spec.nodename) is force-booted (its peers are gone)"
            case .join(let peer, let forget, let discard):
                forget || discard ? "\(rabbitmq.spec.nodename) joins through \(peer) (\(mode))" : nil
            case .member: nil
            }
        if let notable, let identity {
            logger.notice("\(notable)", metadata: ["resource": "\(name)"])
            _ = try? await store.txn(Txn(compares: [memberGuard(identity)], success: [eventOp(resource: name, kind: "rabbitmq-start", message: notable)]))
        }
        return true
    }

    /// After an operation on a RabbitMQ node: the node record follows (running after a
    /// start; stopped — cleanly — after a stop, unless a crash was recorded first).
    func rabbitmqFinished(_ name: String, _ operation: LocalOperation, succeeded: Bool, incarnation: Int64? = nil) async {
        guard let local = locals[name], let rabbitmq = local.handle.rabbitmq else { return }
        if operation == .start, local.rabbitmqJoinTurn { await releaseJoinTurn(name) }
        let record = view.rabbitmqNodes[name]?[node]?.record
        switch operation {
        case .start where succeeded:
            let members = local.rabbitmq?.members ?? record?.members ?? [rabbitmq.spec.nodename]
            await writeRabbitMQRecord(name, RabbitMQNodeRecord(
                nodename: rabbitmq.spec.nodename, running: true, initialised: true, members: members, since: wallClock().description))
        case .stop where succeeded:
            guard record?.running ?? false else { return }
            await writeRabbitMQRecord(
                name,
                RabbitMQNodeRecord(
                    nodename: rabbitmq.spec.nodename, running: false, clean: true, initialised: true, members: record?.members ?? [],
                    since: wallClock().description),
                incarnation: incarnation)
        default:
            break
        }
    }

    /// The server exited on its own: its stop is recorded now, so that the stop order
    /// stays known.
    func rabbitmqCrashed(_ name: String) async {
        guard let rabbitmq = locals[name]?.handle.rabbitmq, let record = view.rabbitmqNodes[name]?[node]?.record, record.running else { return }
        await writeRabbitMQRecord(name, RabbitMQNodeRecord(
            nodename: rabbitmq.spec.nodename, running: false, clean: false, initialised: true, members: record.members,
            since: wallClock().description))
    }

    /// Writes what the stopped node's data says when there is no record yet, or when its
    /// data appeared or vanished (a replaced node). Any other rewrite would move the
    /// record's revision — the stop order — and make this node look like the last to stop;
    /// a record still `running` (its stop time unknown) is left alone for the same reason.
    private func publishRabbitMQRecord(_ name: String, nodename: String, data: RabbitMQLocalData) async {
        let existing = view.rabbitmqNodes[name]?[node]?.record
        if let existing, existing.running || existing.initialised == data.initialised { return }
        await writeRabbitMQRecord(name, RabbitMQNodeRecord(
            nodename: nodename, running: false, clean: existing?.clean, initialised: data.initialised, members: data.members,
            since: wallClock().description))
    }

    /// Writes the node record, guarded by this node's membership (`incarnation` when the
    /// identity is already gone: an agent leaving).
    func writeRabbitMQRecord(_ name: String, _ record: RabbitMQNodeRecord, incarnation: Int64? = nil) async {
        guard let guardCompare = identity.map(memberGuard) ?? incarnation.map({ Compare.created(keyspace.member(node), at: $0) }),
            let value = try? JSONEncoder().encode(record)
        else { return }
        do {
            _ = try await store.txn(Txn(
                compares: [guardCompare], success: [.put(key: keyspace.rabbitmqNode(name, on: node), value: Array(value), lease: nil)]))
        } catch {
            logger.warning("rabbitmq node record not written", metadata: ["resource": "\(name)", "error": "\(error)"])
        }
    }

    /// Watches a running RabbitMQ node while its monitoring generation lasts.
    func watchRabbitMQ(_ name: String, _ generation: Int, _ rabbitmq: RabbitMQExecutor) {
        let clock = self.clock
        spawn {
            var round = 0
            var cluster: Result<RabbitMQClusterStatus, AgentsError>?
            var leaders: Int?
            var outOfCluster = 0
            while !Task.isCancelled, await self.isCurrent(name, generation) {
                if round % 5 == 0 {
                    cluster = await rabbitmq.clusterStatus()
                    if round % 15 == 0, case .success = cluster { leaders = await rabbitmq.leaderCount() }
                }
                let proof = await rabbitmq.roundTrip(timeout: .seconds(2))
                guard let cluster else { return }
                let duty = await self.rabbitmqObserved(name, generation, cluster, leaders: leaders, proof: proof.passed ? nil : proof.message)
                switch duty {
                case .none:
                    outOfCluster = 0
                case .forget(let ghosts):
                    outOfCluster = 0
                    for ghost in ghosts { await self.rabbitmqForget(name, rabbitmq, ghost) }
                case .applyPolicies(let policies):
                    outOfCluster = 0
                    await self.rabbitmqApplyPolicies(name, generation, rabbitmq, policies)
                case .outOfCluster(let reason):
                    outOfCluster += 1
                    // Three observations in a row (5 s apart): a partition that heals by
                    // itself (pause_minority restarts the paused side) is left to do so.
                    if outOfCluster >= 3 * 5 {
                        await self.rabbitmqOutOfCluster(name, generation, reason)
                        return
                    }
                }
                round += 1
                do { try await clock.sleepUntil(clock.now() + .seconds(1)) } catch { return }
            }
        }
    }

    /// What the watcher does after an observation.
    enum RabbitMQDuty: Sendable {
        case none
        case forget([String])
        case applyPolicies([RabbitMQPolicy])
        case outOfCluster(String)
    }

    private func rabbitmqObserved(
        _ name: String, _ generation: Int, _ cluster: Result<RabbitMQClusterStatus, AgentsError>, leaders: Int?, proof failure: String?
    ) async -> RabbitMQDuty {
        guard isCurrent(name, generation), var local = locals[name], let rabbitmq = local.handle.rabbitmq else { return .none }
        let nodename = rabbitmq.spec.nodename
        var observed: RabbitMQInstanceStatus
        switch cluster {
        case .success(let status):
            observed = RabbitMQInstanceStatus(
                nodename: nodename, running: true, members: status.members, clustered: status.running,
                partitions: status.partitions.flatMap { node, others in others.map { "\(node)/\($0)" } }.sorted(), alarms: status.alarms,
                leaders: leaders, amqp: failure == nil, message: failure)
        case .failure(let error):
            observed = RabbitMQInstanceStatus(nodename: nodename, running: false, amqp: failure == nil, message: failure ?? error.message)
        }
        let before = local.rabbitmq
        local.rabbitmq = observed
        locals[name] = local
        if before != observed {
            if before?.amqp != observed.amqp || before?.running != observed.running || before?.clustered != observed.clustered
                || before?.partitions != observed.partitions || before?.alarms != observed.alarms {
                logger.info(
                    "rabbitmq state",
                    metadata: ["resource": "\(name)", "running": "\(observed.running)", "clustered": "\(observed.clustered)",
                               "amqp": "\(observed.amqp)", "partitions": "\(observed.partitions)", "alarms": "\(observed.alarms)",
                               "message": "\(observed.message ?? "")"])
            }
            await writeStatus(name, event: nil)
        }
        if observed.running, let record = view.rabbitmqNodes[name]?[node]?.record, record.running, record.members != observed.members {
            var updated = record
            updated.members = observed.members
            await writeRabbitMQRecord(name, updated)
        }
        guard observed.running, let config = view.config, let resource = config.resource(named: name) else { return .none }
        let nodenames = RabbitMQNodes.of(resource, in: config)
        // Which configured nodes run, by etcd's account: the majority side is theirs.
        let runningElsewhere = nodenames.filter { other, _ in
            other != node && view.members[other] != nil && view.status[other]?[name]?.state == .started
                && view.status[other]?[name]?.rabbitmq?.running == true
        }
        for (other, otherName) in runningElsewhere.sorted(by: { $0.key < $1.key }) where !observed.clustered.contains(otherName) {
            let theirs = view.status[other]?[name]?.rabbitmq?.clustered ?? []
            if theirs.count > observed.clustered.count || (theirs.count == observed.clustered.count && otherName < nodename) {
                return .outOfCluster("not clustered with \(otherName), which runs with \(theirs.joined(separator: ", "))")
            }
        }
        // Duties of the first running node by name.
        let first = ([node] + runningElsewhere.keys).sorted().first
        guard first == node else { return .none }
        let configured = Set(nodenames.values)
        let ghosts = observed.members.filter { !configured.contains($0) && !observed.clustered.contains($0) }
        if !ghosts.isEmpty { return .forget(ghosts) }
        var wanted = nodenames.count
        if case .clone(let options) = resource.variant, let max = options.max { wanted = min(max, nodenames.count) }
        guard case .rabbitmq(let params) = resource.params, !params.policies.isEmpty, observed.clustered.count >= wanted,
            locals[name]?.rabbitmqPoliciesApplied != params.policies
        else { return .none }
        return .applyPolicies(params.policies)
    }

    /// A node that stays out of the majority's cluster is failed: the failure is counted
    /// and the restart goes through ``rabbitmqGate(_:)`` (it joins the running cluster).
    private func rabbitmqOutOfCluster(_ name: String, _ generation: Int, _ reason: String) async {
        await monitorFailed(name, generation, "rabbitmq: \(reason)")
    }

    private func rabbitmqForget(_ name: String, _ rabbitmq: RabbitMQExecutor, _ ghost: String) async {
        let outcome = await rabbitmq.forget(ghost)
        let message: String
        switch outcome {
        case .success: message = "forgot \(ghost): no configured node has that name any more"
        case .failure(let error): message = "forget_cluster_node \(ghost) failed: \(error.message)"
        }
        logger.notice("\(message)", metadata: ["resource": "\(name)"])
        guard let identity else { return }
        _ = try? await store.txn(Txn(compares: [memberGuard(identity)], success: [eventOp(resource: name, kind: "rabbitmq-forget", message: message)]))
    }

    private func rabbitmqApplyPolicies(_ name: String, _ generation: Int, _ rabbitmq: RabbitMQExecutor, _ policies: [RabbitMQPolicy]) async {
        let outcome = await rabbitmq.apply(policies: policies.map { ($0.name, $0.pattern, $0.definitionJSON, $0.applyTo, $0.priority) })
        let message: String
        switch outcome {
        case .success:
            locals[name]?.rabbitmqPoliciesApplied = policies
            message = "policies applied: \(policies.map(\.name).joined(separator: ", "))"
        case .failure(let error):
            message = "policies not applied: \(error.message)"
        }
        logger.notice("\(message)", metadata: ["resource": "\(name)"])
        guard let identity else { return }
        _ = try? await store.txn(Txn(compares: [memberGuard(identity)], success: [eventOp(resource: name, kind: "rabbitmq-policies", message: message)]))
    }
}
