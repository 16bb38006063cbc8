import Foundation
import Testing

/// The chaos run's short version (lab/vlab chaos, docs/lab.md): 8 hosts, 2 minutes of
/// random faults drawn from a seed — host crashes, isolations, etcd members stopped,
/// crashed or partitioned, the etcd leader crashed, the service killed, the VIP deleted, the
/// coordinator's host crashed — at least one every 15 s, with the invariants checked
/// throughout: never the VIP on two hosts, never `web` on two hosts (process tables), all
/// running again within 10 s of the last heal, no agent crash.
///
/// `VIGIL_CHAOS_SEED=<n>` replays a seed; `VIGIL_CHAOS_SECONDS=<s>` runs longer (the
/// 10-minute run of docs/benchmarks.md uses `lab/vlab chaos` directly).
@Suite("Lab: chaos on 8 hosts")
struct LabChaosTests {
    @Test func twoMinutesOfRandomFaultsBreakNoInvariant() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["VIGIL_CHAOS_SEED"] ?? "20261206"
        let seconds = environment["VIGIL_CHAOS_SECONDS"] ?? "120"
        try await VirtualLab.with(hosts: 8) { lab in
            let file = lab.directory + "-chaos.json"
            defer { try? FileManager.default.removeItem(atPath: file) }
            let output: String
            do {
                output = try lab.run(["chaos", "--seed", seed, "--duration", seconds, "--every", "15", "--json", file])
            } catch {
                // vlab exits 1 when an invariant broke: the report says which.
                let report = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                throw TestFailure("\(error)\nreport: \(report.prefix(6000))")
            }
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
            let faults = try #require(report["faults"] as? [[String: Any]])
            let duration = Double(seconds) ?? 120
            #expect(Double(faults.count) >= duration / 15 - 1, "only \(faults.count) faults in \(duration) s")
            #expect((report["violations"] as? [Any])?.isEmpty == true, "\(report["violations"] ?? "")")
            let availability = try #require(report["availability"] as? Double)
            #expect(availability > 0.5, "availability \(availability)")
            print("chaos seed \(seed), \(seconds) s on 8 hosts: \(faults.count) faults, availability \(availability)\n"
                + output.split(separator: "\n").filter { $0.hasPrefix("[") }.joined(separator: "\n"))
        }
    }
}
