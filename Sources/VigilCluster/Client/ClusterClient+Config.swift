import Crypto
import Foundation
import VigilModel
import VigilScheduler
import VigilStore

extension ClusterClient {
    /// Validates `yaml` as the operator's configuration and, unless `dryRun`, applies it:
    /// the `operator` fragment (``applyFragment(owner:yaml:file:appliedBy:now:dryRun:)``).
    /// With no other fragment, `config` holds exactly this text.
    ///
    /// The result carries the scheduler's plan for the new configuration against the
    /// cluster as it is now (with the operator overrides), so the caller can show what
    /// would change. When someone else applied an operator configuration since it was
    /// read, nothing is written and the call fails with `conflict` (re-run it against the
    /// new configuration); other owners' fragments changing meanwhile are merged in.
    ///
    /// - Parameters:
    ///   - yaml: the configuration text.
    ///   - file: its name, for error positions.
    ///   - appliedBy: who applies it (`user@host`).
    ///   - now: the time (RFC 3339), recorded and used for failure expiry in the plan.
    ///   - dryRun: validate and plan only.
    /// - Throws: `VigilModelError` (every problem with file, line and column) when the text
    ///   does not validate — then nothing is written; ``VigilClusterError`` `conflict`;
    ///   `VigilStoreError`.
    public func applyConfig(yaml: String, file: String, appliedBy: String, now: String, dryRun: Bool) async throws
        -> ApplyResult
    {
        try await applyFragment(owner: ConfigFragments.operatorOwner, yaml: yaml, file: file, appliedBy: appliedBy, now: now, dryRun: dryRun)
    }

    /// Applies `owner`'s fragment of the configuration (its resources, groups, constraints
    /// and node attributes; the operator's is the whole base configuration), or removes it
    /// when `yaml` is nil.
    ///
    /// Every fragment is merged and the whole validated as one before anything is
    /// written; then `fragments/<owner>` and the merged `config` are written in one
    /// transaction guarded by the revision of `config` and of every fragment as read, so
    /// owners applying at once never overwrite each other: the one whose guard lost merges
    /// again from a fresh read.
    ///
    /// - Parameters:
    ///   - owner: the fragment's owner (`operator`, or a name such as `keystone`).
    ///   - yaml: the fragment; nil removes it.
    ///   - file: how errors name the text (default `fragment <owner>`).
    ///   - appliedBy: who applies it.
    ///   - now: the time (RFC 3339).
    ///   - dryRun: validate and plan only.
    /// - Throws: `VigilModelError` naming the fragment and line of every problem (nothing is
    ///   written); ``VigilClusterError`` `invalidArgument` (a bad owner name, removing the
    ///   operator's configuration), `notFound` (removing a fragment that does not exist),
    ///   `conflict` (the same owner's fragment changed meanwhile, or the keys kept changing);
    ///   `VigilStoreError`.
    public func applyFragment(
        owner: String, yaml: String?, file: String? = nil, appliedBy: String, now: String, dryRun: Bool
    ) async throws -> ApplyResult {
        try Self.validateOwner(owner)
        if yaml == nil, owner == ConfigFragments.operatorOwner {
            throw VigilClusterError(.invalidArgument, "the operator's configuration cannot be removed, only replaced (vigil config apply FILE)")
        }
        let label = file ?? "fragment \(owner)"
        var ownRevision: Int64?
        return try await retrying("apply of \(label)") {
            let before = try await snapshot()
            let stored = try storedFragments(before)
            // The operator's text from before fragments lives in `config` itself.
            let own =
                owner == ConfigFragments.operatorOwner && stored.legacyOperator != nil
                ? before.modRevision(keyspace.config) : before.modRevision(keyspace.fragment(owner))
            if let ownRevision, own != ownRevision {
                throw VigilClusterError(
                    .conflict, "\(label) was changed by someone else (revision \(own)) while being applied; nothing was written, re-run the apply")
            }
            ownRevision = own
            if yaml == nil, stored.fragments[owner] == nil {
                throw VigilClusterError(.notFound, "no fragment of \(owner) is applied")
            }
            var fragments = stored.fragments.map { ConfigFragment(owner: $0.key, yaml: $0.value.yaml) }.filter { $0.owner != owner }
            if let yaml { fragments.append(ConfigFragment(owner: owner, yaml: yaml, file: label)) }
            let merged = try ConfigFragments.merge(fragments)
            let hash = Self.hash(merged.yaml)
            let effective = StateBuilder.effectiveConfig(merged.config, view: before.view)
            let state = StateBuilder.state(from: before.view, config: merged.config, now: Timestamp.parse(now))
            let transition = Scheduler.plan(config: effective, state: state)
            var result = ApplyResult(
                config: merged.config, transition: transition, hash: hash, previousHash: before.view.configRecord?.hash, revision: nil)
            if dryRun { return .done(result) }
            var compares: [Compare] = [.unchanged(keyspace.config, since: before.modRevision(keyspace.config))]
            var ops: [TxnOp] = [
                .put(key: keyspace.config, value: try JSONCoding.encode(ConfigRecord(yaml: merged.yaml, hash: hash, appliedBy: appliedBy, appliedAt: now)), lease: nil)
            ]
            for name in Set(stored.fragments.keys).union([owner]).sorted() {
                let key = keyspace.fragment(name)
                compares.append(.unchanged(key, since: before.modRevision(key)))
            }
            if let yaml {
                let record = FragmentRecord(yaml: yaml, hash: Self.hash(yaml), appliedBy: appliedBy, appliedAt: now)
                ops.append(.put(key: keyspace.fragment(owner), value: try JSONCoding.encode(record), lease: nil))
            } else {
                ops.append(.delete(.key(keyspace.fragment(owner))))
            }
            if let legacy = stored.legacyOperator, owner != ConfigFragments.operatorOwner {
                // The operator's configuration from before fragments: kept as its fragment.
                ops.append(.put(key: keyspace.fragment(ConfigFragments.operatorOwner), value: try JSONCoding.encode(legacy), lease: nil))
            }
            let what = owner == ConfigFragments.operatorOwner ? "configuration \(hash.prefix(19)) applied from \(label)" : yaml == nil ? "fragment \(owner) removed (configuration \(hash.prefix(19)))" : "fragment \(owner) applied (configuration \(hash.prefix(19)))"
            let (eventGuard, eventPut) = try event(kind: yaml == nil ? "fragment-removed" : owner == ConfigFragments.operatorOwner ? "config-applied" : "fragment-applied", node: nil, resource: nil, message: what)
            let answer = try await store.txn(Txn(compares: compares + [eventGuard], success: ops + [eventPut]))
            guard answer.succeeded else { return .retry }
            result.revision = answer.revision
            return .done(result)
        }
    }

    /// Every applied fragment, with the merged configuration's ownership.
    public func fragments() async throws -> ConfigOwnership {
        let stored = try storedFragments(try await snapshot())
        var fragments = stored.fragments
        if let legacy = stored.legacyOperator { fragments[ConfigFragments.operatorOwner] = legacy }
        let merged = fragments.isEmpty ? nil : try? ConfigFragments.merge(fragments.map { ConfigFragment(owner: $0.key, yaml: $0.value.yaml) })
        return ConfigOwnership(fragments: fragments, merged: merged)
    }

    /// The stored fragments, and the operator's configuration from before fragments (the
    /// `config` text, when no `fragments/operator` exists).
    private func storedFragments(_ snapshot: Snapshot) throws -> (fragments: [String: FragmentRecord], legacyOperator: FragmentRecord?) {
        var fragments: [String: FragmentRecord] = [:]
        for (key, kv) in snapshot.kvs where key.hasPrefix(keyspace.fragments) {
            let owner = String(key.dropFirst(keyspace.fragments.count))
            do {
                fragments[owner] = try JSONDecoder().decode(FragmentRecord.self, from: Data(kv.value))
            } catch {
                throw VigilClusterError(.invalidConfiguration, "\(key) does not hold a fragment record: \(error)")
            }
        }
        var legacy: FragmentRecord?
        if fragments[ConfigFragments.operatorOwner] == nil, let record = snapshot.view.configRecord {
            legacy = FragmentRecord(yaml: record.yaml, hash: record.hash, appliedBy: record.appliedBy, appliedAt: record.appliedAt)
            fragments[ConfigFragments.operatorOwner] = legacy
        }
        return (fragments, legacy)
    }

    static func validateOwner(_ owner: String) throws {
        let allowed = owner.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
            default: false
            }
        }
        guard allowed, !owner.isEmpty, owner.count <= 63, owner != ".", owner != ".." else {
            throw VigilClusterError(.invalidArgument, "a fragment owner is 1 to 63 letters, digits, '.', '_' or '-', not \"\(owner)\"")
        }
    }

    /// The applied configuration record, nil when none has been applied.
    public func showConfig() async throws -> ConfigRecord? {
        guard let kv = try await store.get(keyspace.config) else { return nil }
        do {
            return try JSONDecoder().decode(ConfigRecord.self, from: Data(kv.value))
        } catch {
            throw VigilClusterError(.invalidConfiguration, "\(keyspace.config) does not hold a configuration record: \(error)")
        }
    }

    /// `sha256:<hex>` of the UTF-8 text.
    public static func hash(_ text: String) -> String {
        "sha256:" + SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The applied configuration, or `noConfiguration`.
    func requireConfig(_ view: ClusterView) throws -> ClusterConfig {
        guard let config = view.config else {
            if view.configRecord != nil || view.configRevision != 0 {
                throw VigilClusterError(.invalidConfiguration, "the applied configuration at \(keyspace.config) cannot be read")
            }
            throw VigilClusterError(.noConfiguration, "no configuration has been applied to \(keyspace.prefix) yet (vigil config apply FILE)")
        }
        return config
    }
}
