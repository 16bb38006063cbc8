import Foundation
import Testing
import VigilNode
import VigilCluster
import VigilStore

/// The Galera benchmarks of docs/benchmarks.md (issue 11), run on demand:
///
///     swift build -c release --product vigil
///     VIGIL_BINARY=.build/release/vigil VIGIL_GALERA_TRIALS=10 swift test --filter GaleraBenchmarkTests
///
/// One lab (three nodes, HAProxy from docs/examples/galera-haproxy.cfg, a client writing
/// through it all along): the writer killed N times, a reader killed N times, N power
/// losses; every acknowledged write checked on every node at the end.
@Suite(
    "Galera benchmarks", .etcd(members: 3), .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["VIGIL_GALERA_TRIALS"] != nil, "set VIGIL_GALERA_TRIALS to run"))
struct GaleraBenchmarkTests {
    static var trials: Int { Int(ProcessInfo.processInfo.environment["VIGIL_GALERA_TRIALS"] ?? "") ?? 10 }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func summary(_ name: String, _ values: [Double]) -> String {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return "\(name): no samples" }
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))] }
        return String(format: "%@: n=%d min %.2f s, p50 %.2f s, p95 %.2f s, max %.2f s", name, sorted.count, sorted[0], at(0.5), at(0.95), sorted.last ?? 0)
    }

    /// How node rejoined since its error log was `offset` bytes long: "IST" or "SST".
    static func transfer(_ lab: GaleraLab, _ node: String, since offset: Int) -> String {
        let text = String(lab.errorLog(node).utf8.dropFirst(offset)) ?? ""
        if text.contains("IST received") || text.contains("Receiving IST") { return "IST" }
        if text.contains("rsync SST") || text.contains("State transfer required") { return "SST" }
        return "none"
    }

    @Test func failoverRejoinAndPowerLoss() async throws {
        try await GaleraAgentTests.withLab("galerabench") { lab, store in
            let client = try await GaleraAgentTests.formCluster(lab, store)
            let writing = Task { await client.run() }
            defer { writing.cancel() }
            try await eventually("writes acknowledged", timeout: .seconds(20)) { client.acknowledged.count > 50 }
            var writerOutages: [Double] = []
            var readerOutages: [Double] = []
            var readerStalls: [Double] = []
            var evictions: [Double] = []
            var rejoins: [Double] = []
            var transfers: [String: Int] = [:]
            var powerWritable: [Double] = []
            var powerMariaDB: [Double] = []

            for _ in 0..<Self.trials {
                // The writer dies; writes through HAProxy stop until another node is the writer.
                let writer = try #require(try await lab.view(store).galeraWriter["db"]?.record.node)
                let count = client.acknowledged.count
                let killed = ContinuousClock.now
                try await lab.nodes.killNode(writer)
                try await eventually("writes again", timeout: .seconds(60), every: .milliseconds(20)) { client.acknowledged.count > count + 3 }
                writerOutages.append(Self.seconds(client.outage(after: killed)?.duration ?? .zero))
                try await lab.waitGone(store, [writer])
                let offset = lab.errorLog(writer).utf8.count
                let restarted = ContinuousClock.now
                try await lab.nodes.start(writer)
                try await eventually("\(writer) Synced", timeout: .seconds(180), every: .milliseconds(200)) { try await lab.synced(store).count == 3 }
                rejoins.append(Self.seconds(ContinuousClock.now - restarted))
                transfers[Self.transfer(lab, writer, since: offset), default: 0] += 1
            }
            for _ in 0..<Self.trials {
                // A reader dies: the others go on; writes stall only while Galera evicts it.
                let writer = try #require(try await lab.view(store).galeraWriter["db"]?.record.node)
                let reader = try #require(lab.names.first { $0 != writer })
                let killed = ContinuousClock.now
                try await lab.nodes.killNode(reader)
                try await eventually("the survivors to evict \(reader)", timeout: .seconds(60), every: .milliseconds(20)) {
                    let view = try await lab.view(store)
                    return lab.names.filter { $0 != reader }.allSatisfy { view.status[$0]?["db"]?.galera?.size == 2 }
                }
                evictions.append(Self.seconds(ContinuousClock.now - killed))
                let count = client.acknowledged.count
                try await eventually("writes go on", timeout: .seconds(60), every: .milliseconds(20)) { client.acknowledged.count > count + 3 }
                readerOutages.append(Self.seconds(client.outage(after: killed)?.duration ?? .zero))
                readerStalls.append(Self.seconds(client.longestGap(from: killed, until: ContinuousClock.now)))
                try await lab.waitGone(store, [reader])
                let offset = lab.errorLog(reader).utf8.count
                let restarted = ContinuousClock.now
                try await lab.nodes.start(reader)
                try await eventually("\(reader) Synced", timeout: .seconds(180), every: .milliseconds(200)) { try await lab.synced(store).count == 3 }
                rejoins.append(Self.seconds(ContinuousClock.now - restarted))
                transfers[Self.transfer(lab, reader, since: offset), default: 0] += 1
            }
            for _ in 0..<Self.trials {
                // Power loss: everything dies; the agents come back.
                try await GaleraAgentTests.powerLoss(lab)
                try await lab.waitGone(store, lab.names)
                let count = client.acknowledged.count
                let restarted = ContinuousClock.now
                for node in lab.names { try await lab.nodes.start(node) }
                try await eventually("writable again", timeout: .seconds(180), every: .milliseconds(20)) { client.acknowledged.count > count }
                powerWritable.append(Self.seconds(ContinuousClock.now - restarted))
                // MariaDB's own part: the bootstrap node's mariadbd from launch to Synced
                // (its agent logs "starting mariadbd" and then "start done").
                powerMariaDB.append(Self.bootstrapStart(lab) ?? .nan)
                try await eventually("three Synced", timeout: .seconds(180), every: .milliseconds(200)) { try await lab.synced(store).count == 3 }
            }
            writing.cancel()
            await writing.value
            let lines = [
                Self.summary("writer killed → writes accepted again through HAProxy", writerOutages),
                Self.summary("reader killed → writes failing in a row", readerOutages),
                Self.summary("reader killed → longest time without an acknowledged write", readerStalls),
                Self.summary("reader killed → survivors evicted it (Galera)", evictions),
                Self.summary("killed node restarted → Synced", rejoins) + " (transfers: \(transfers.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))",
                Self.summary("power loss, agents restarted → writable through HAProxy", powerWritable),
                Self.summary("… of which the bootstrap node's mariadbd start (launch → Synced)", powerMariaDB.filter { !$0.isNaN }),
                "acknowledged writes: \(client.acknowledged.count)",
            ]
            print("GALERA BENCHMARK\n" + lines.joined(separator: "\n"))
            try await GaleraAgentTests.expectNoLostWrite(lab, client)
        }
    }

    /// Seconds from "starting mariadbd" (with --wsrep-new-cluster) to the next "start done"
    /// in the bootstrap node's current agent log.
    static func bootstrapStart(_ lab: GaleraLab) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for node in lab.names {
            let text = (try? String(contentsOf: lab.directory.appendingPathComponent("\(node).log"), encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n")
            guard let launch = lines.lastIndex(where: { $0.contains("starting mariadbd") && $0.contains("wsrep-new-cluster") }) else { continue }
            guard let done = lines[launch...].firstIndex(where: { $0.contains("start done") }) else { continue }
            func time(_ line: Substring) -> Date? { formatter.date(from: String(line.split(separator: " ").first ?? "")) }
            guard let start = time(lines[launch]), let end = time(lines[done]) else { continue }
            return end.timeIntervalSince(start)
        }
        return nil
    }
}
