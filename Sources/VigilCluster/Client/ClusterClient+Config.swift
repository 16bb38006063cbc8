import Crypto
import Foundation
import VigilModel
import VigilScheduler
import VigilStore

extension ClusterClient {
    /// Validates `yaml` and, unless `dryRun`, writes it to `config` with an event.
    ///
    /// The result carries the scheduler's plan for the new configuration against the
    /// cluster as it is now (with the operator overrides), so the caller can show what
    /// would change. The write is guarded by `mod_revision(config)` as read before
    /// validating: when someone else applied a configuration in between, nothing is written
    /// and the call fails with `conflict` (re-run it against the new configuration).
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
        let before = try await snapshot()
        let expected = before.modRevision(keyspace.config)
        let config = try ConfigDecoder.decode(yaml: yaml, file: file)
        let hash = Self.hash(yaml)
        let effective = StateBuilder.effectiveConfig(config, view: before.view)
        let state = StateBuilder.state(from: before.view, config: config, now: Timestamp.parse(now))
        let transition = Scheduler.plan(config: effective, state: state)
        var result = ApplyResult(
            config: config, transition: transition, hash: hash, previousHash: before.view.configRecord?.hash, revision: nil)
        if dryRun { return result }
        let record = ConfigRecord(yaml: yaml, hash: hash, appliedBy: appliedBy, appliedAt: now)
        let value = try JSONCoding.encode(record)
        result.revision = try await retrying("config apply") {
            let (eventGuard, eventPut) = try event(
                kind: "config-applied", node: nil, resource: nil,
                message: "configuration \(hash.prefix(19)) applied from \(file)")
            let answer = try await store.txn(
                Txn(
                    compares: [.unchanged(keyspace.config, since: expected), eventGuard],
                    success: [.put(key: keyspace.config, value: value, lease: nil), eventPut]))
            if answer.succeeded { return .done(answer.revision) }
            let current = try await store.get(keyspace.config)?.modRevision ?? 0
            if current != expected {
                throw VigilClusterError(
                    .conflict,
                    "the configuration was changed by someone else (revision \(current)) while applying \(file); nothing was written, re-run the apply"
                )
            }
            return .retry
        }
        return result
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
