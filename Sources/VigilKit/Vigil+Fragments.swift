import Foundation
public import VigilCluster
import VigilModel

extension Vigil {
    /// Applies `owner`'s part of the cluster configuration (YAML: resources, groups,
    /// constraints, and attributes of the operator's nodes). It is merged with every other
    /// owner's and the operator's configuration and the whole validated before anything
    /// is written; it may refer to what other fragments define.
    ///
    /// - Returns: what was applied and the plan for it.
    /// - Throws: `VigilModelError` naming the fragment and line of each problem (nothing
    ///   written); `VigilClusterError` (`conflict`, `invalidArgument`); `VigilStoreError`.
    @discardableResult
    public func applyFragment(owner: String, yaml: String) async throws -> ApplyResult {
        try await client.applyFragment(owner: owner, yaml: yaml, appliedBy: client.actor, now: Self.now(), dryRun: false)
    }

    /// Applies a fragment built in code (see ``Fragment``).
    @discardableResult
    public func applyFragment(owner: String, _ fragment: Fragment) async throws -> ApplyResult {
        try await applyFragment(owner: owner, yaml: fragment.yaml)
    }

    /// Removes `owner`'s fragment; refused (nothing written) while another fragment refers
    /// to what it defines.
    ///
    /// - Throws: `VigilModelError` naming the fragments that still refer to it;
    ///   `VigilClusterError` `notFound`.
    @discardableResult
    public func removeFragment(owner: String) async throws -> ApplyResult {
        try await client.applyFragment(owner: owner, yaml: nil, appliedBy: client.actor, now: Self.now(), dryRun: false)
    }

    /// Every fragment applied, and who owns what.
    public func fragments() async throws -> ConfigOwnership {
        try await client.fragments()
    }

    static func now() -> String {
        Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).description
    }
}
