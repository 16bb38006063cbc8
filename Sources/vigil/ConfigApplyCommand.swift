import ArgumentParser
import Foundation
import VigilModel
import VigilNode
import VigilCluster

/// `vigil config apply FILE [--dry-run]`: validate, show the planned actions, write.
struct ConfigApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Validate a configuration, print what the scheduler would do with it, and apply it to the cluster.",
        discussion: """
            The cluster (keyspace /vigil/<NAME>/) is the configuration's cluster.name unless --cluster is given. \
            Nothing is written when the file does not validate (exit 1) or when someone else applied a \
            configuration meanwhile.
            """
    )

    @Argument(help: "The configuration file (YAML).")
    var file: String

    @Flag(name: .customLong("dry-run"), help: "Validate and plan only; write nothing.")
    var dryRun = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (yaml, config) = try reportingErrors {
            let yaml = try InputFile.read(file)
            return (yaml, try ConfigDecoder.decode(yaml: yaml, file: file))
        }
        for warning in ConfigWarnings.warnings(for: config) { printError("warning: \(file): \(warning)") }
        let now = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).description
        let result = try await reportingErrors {
            try await connection.withClient(defaultCluster: config.cluster.name) { client in
                try await client.applyConfig(yaml: yaml, file: file, appliedBy: client.actor, now: now, dryRun: dryRun)
            }
        }
        ApplyReport.print(result)
    }
}

/// `vigil config show`: print the applied YAML; with fragments of several owners, who
/// owns what first (as comments).
struct ConfigShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the configuration applied to the cluster, and who owns which part (exit 1 when none is)."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (record, ownership) = try await connection.withClient { client in (try await client.showConfig(), try await client.fragments()) }
        guard let record else {
            printError("no configuration has been applied to this cluster yet (vigil config apply FILE)")
            throw ExitCodeError.invalidInput
        }
        if ownership.fragments.count > 1 {
            for line in ApplyReport.ownershipLines(ownership) { print("# " + line) }
        }
        print(record.yaml, terminator: record.yaml.hasSuffix("\n") ? "" : "\n")
    }
}
