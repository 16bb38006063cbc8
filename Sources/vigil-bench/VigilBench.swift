import ArgumentParser
import Foundation
import VigilModel
import VigilScheduler

/// `vigil-bench`: synthetic clusters and scheduler measurements (docs/benchmarks.md).
@main
struct VigilBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-bench",
        abstract: "Generate synthetic clusters and measure the scheduler.",
        subcommands: [Generate.self, Plan.self]
    )

    struct Size: ParsableArguments {
        @Option(help: "Number of resources.") var resources = 1000
        @Option(help: "Number of nodes.") var nodes = 16
        @Option(help: "Random seed.") var seed: UInt64 = 1
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write config.yaml and state.yaml of a synthetic cluster.")
        @OptionGroup var size: Size
        @Option(help: "Output directory.") var out: String

        func run() throws {
            let (config, state) = SyntheticCluster(resources: size.resources, nodes: size.nodes, seed: size.seed).yaml()
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try config.write(toFile: out + "/config.yaml", atomically: true, encoding: .utf8)
            try state.write(toFile: out + "/state.yaml", atomically: true, encoding: .utf8)
            print("wrote \(out)/config.yaml and \(out)/state.yaml")
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time the scheduler on a synthetic cluster and report peak memory.")
        @OptionGroup var size: Size
        @Option(help: "Timed runs (after one warm-up).") var iterations = 20

        func run() throws {
            let (configText, stateText) = SyntheticCluster(resources: size.resources, nodes: size.nodes, seed: size.seed).yaml()
            let config = try ConfigDecoder.decode(yaml: configText, file: "synthetic-config.yaml")
            let state = try StateDecoder.decode(yaml: stateText, file: "synthetic-state.yaml", config: config)
            let constraints = config.constraints.count
            let clock = ContinuousClock()
            var transition = Scheduler.plan(config: config, state: state)
            var samples: [Duration] = []
            for _ in 0..<iterations {
                let start = clock.now
                transition = Scheduler.plan(config: config, state: state)
                samples.append(clock.now - start)
            }
            samples.sort()
            func ms(_ d: Duration) -> String {
                String(format: "%.2f", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
            }
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            print("resources=\(config.resources.count) nodes=\(config.nodes.count) groups=\(config.groups.count) constraints=\(constraints) "
                  + "actions=\(transition.actions.count) unplaced=\(transition.unplaced.count)")
            print("plan_ms min=\(ms(samples[0])) p50=\(ms(samples[samples.count / 2])) max=\(ms(samples[samples.count - 1])) "
                  + "max_rss_mib=\(String(format: "%.1f", Double(usage.ru_maxrss) / 1024))")
        }
    }
}
