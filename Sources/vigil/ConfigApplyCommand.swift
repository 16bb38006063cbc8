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
            The cluster (keyspace /vigil/<NAME>/) is found as by every command and by the agents: \
            --cluster, else cluster: in the client file, else 'default'; the configuration's \
            cluster.name must be that name (else nothing is written, exit 1, and the message says \
            how to make them agree). Nothing is written when the file does not validate (exit 1) or \
            when someone else applied a configuration meanwhile. After writing, it says which \
            cluster it wrote to and which agents are its members, and warns when none is. With \
            --wait it then shows what is left until the cluster has carried out the plan and ends \
            with one line: where everything runs and how long it took, or (exit 1, after --timeout) \
            what is still left.
            """
    )

    @Argument(help: "The configuration file (YAML).")
    var file: String

    @Flag(name: .customLong("dry-run"), help: "Validate and plan only; write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "After writing, wait until the cluster has carried out the plan (progress on standard error); exit 1 if not within --timeout.")
    var wait = false

    @Option(name: .long, help: "How long --wait waits, in seconds.")
    var timeout: Int = 120

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (yaml, config) = try reportingErrors {
            let yaml = try InputFile.read(file)
            return (yaml, try ConfigDecoder.decode(yaml: yaml, file: file))
        }
        for warning in ConfigWarnings.warnings(for: config) { printError("warning: \(file): \(warning)") }
        let now = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).description
        let target = try reportingErrors { try connection.resolve().2 }
        guard config.cluster.name == target else {
            let source = (try? connection.clusterSource()) ?? "?"
            // The agents find their cluster by the same rule: writing under cluster.name would
            // print "applied" while no agent ever reads it.
            printError(
                "\(file): cluster.name is '\(config.cluster.name)', but this command and the agents use cluster '\(target)' "
                    + "(\(source)); nothing applied. Give --cluster \(config.cluster.name) here and to every "
                    + "agent (or cluster: \(config.cluster.name) in \(connection.clientConfig)), or set cluster.name to '\(target)'")
            throw ExitCodeError.invalidInput
        }
        let dryRun = self.dryRun
        let (result, members) = try await reportingErrors {
            try await connection.withClient { client in
                let result = try await client.applyConfig(yaml: yaml, file: file, appliedBy: client.actor, now: now, dryRun: dryRun)
                return (result, dryRun ? [] : try await client.view().members.keys.sorted())
            }
        }
        ApplyReport.print(result)
        guard !dryRun else { return }
        if members.isEmpty {
            printError(
                "warning: no agent is a member of cluster '\(target)': nothing runs until agents start with "
                    + "--cluster \(target) (vigil agent --node NAME --cluster \(target) …)")
        } else {
            print("cluster '\(target)': \(members.count) agent\(members.count == 1 ? " is a member" : "s are members") (\(members.joined(separator: ", ")))")
        }
        guard wait else { return }
        let timeout = self.timeout
        try await connection.withClient { client in
            try await SettleProgress.wait(client, timeout: timeout, reached: "settled", explain: result.transition.unplaced)
        }
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
