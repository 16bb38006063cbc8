import ArgumentParser
import VigilHealth
import VigilModel
import VigilNode
import VigilCluster

/// `vigil health check NAME --config FILE`: run a resource's probes once.
struct HealthCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run a resource's health probes once and print each result.",
        discussion: "Exit status 0 when every probe passes, 1 otherwise (or for invalid input)."
    )

    @Argument(help: "The resource's name.")
    var name: String

    @Option(name: .long, help: "The cluster configuration (YAML).")
    var config: String

    func run() async throws {
        let resource = try reportingErrors {
            let clusterConfig = try InputFile.config(config)
            guard let resource = clusterConfig.resource(named: name) else {
                throw CLIError("\(config): no resource named '\(name)'")
            }
            return resource
        }
        let probes = ResourceMapping.probes(for: resource)
        if probes.isEmpty {
            print("\(name): no health probes configured")
            return
        }
        let results = try await withHealthChecker(logger: CLILogger.standardError) { checker in
            await withTaskGroup(of: (Int, ProbeResult).self, returning: [ProbeResult].self) { group in
                for (index, probe) in probes.enumerated() {
                    group.addTask { (index, await checker.check(probe)) }
                }
                var results = [ProbeResult?](repeating: nil, count: probes.count)
                for await (index, result) in group { results[index] = result }
                return results.compactMap { $0 }
            }
        }
        for (probe, result) in zip(probes, results) {
            let millis = Double(result.duration.components.attoseconds) / 1e15 + Double(result.duration.components.seconds) * 1000
            let kind = probe.name.split(separator: " ").first.map(String.init) ?? probe.name
            print("\(result.passed ? "PASS" : "FAIL") \(kind): \(result.message) (\(Int(millis.rounded())) ms)")
        }
        if !results.allSatisfy(\.passed) { throw ExitCode(1) }
    }
}
