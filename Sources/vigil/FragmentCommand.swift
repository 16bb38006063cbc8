import ArgumentParser
import Foundation
import VigilCluster
import VigilModel

/// `vigil config fragment apply|remove|show|list`: one owner's part of the configuration.
struct FragmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fragment",
        abstract: "Apply, remove and show one owner's part of the configuration (its resources, groups, constraints and node attributes).",
        discussion: """
            Every owner's fragment is merged with the operator's configuration (vigil config apply) and the whole \
            validated before anything is written; errors name the fragment and its line. Owners never overwrite \
            each other.
            """,
        subcommands: [FragmentApplyCommand.self, FragmentRemoveCommand.self, FragmentShowCommand.self, FragmentListCommand.self]
    )
}

/// `vigil config fragment apply OWNER FILE [--dry-run]`.
struct FragmentApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "Apply OWNER's fragment from FILE.")

    @Argument(help: "The fragment's owner (e.g. keystone).")
    var owner: String

    @Argument(help: "The fragment (YAML: resources, groups, constraints, nodes with attributes).")
    var file: String

    @Flag(name: .customLong("dry-run"), help: "Validate and plan only; write nothing.")
    var dryRun = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let yaml = try reportingErrors { try InputFile.read(file) }
        let now = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).description
        let result = try await reportingErrors {
            try await connection.withClient { client in
                try await client.applyFragment(owner: owner, yaml: yaml, file: file, appliedBy: client.actor, now: now, dryRun: dryRun)
            }
        }
        ApplyReport.print(result)
    }
}

/// `vigil config fragment remove OWNER [--dry-run]`.
struct FragmentRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove OWNER's fragment (refused while another fragment refers to what it defines).")

    @Argument(help: "The fragment's owner.")
    var owner: String

    @Flag(name: .customLong("dry-run"), help: "Validate and plan only; write nothing.")
    var dryRun = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let now = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).description
        let result = try await reportingErrors {
            try await connection.withClient { client in
                try await client.applyFragment(owner: owner, yaml: nil, appliedBy: client.actor, now: now, dryRun: dryRun)
            }
        }
        ApplyReport.print(result)
    }
}

/// `vigil config fragment show OWNER`.
struct FragmentShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print OWNER's fragment as applied.")

    @Argument(help: "The fragment's owner.")
    var owner: String

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let ownership = try await connection.withClient { client in try await client.fragments() }
        guard let record = ownership.fragments[owner] else {
            printError("no fragment of \(owner) is applied (owners: \(ownership.fragments.keys.sorted().joined(separator: ", ")))")
            throw ExitCodeError.invalidInput
        }
        print(record.yaml, terminator: record.yaml.hasSuffix("\n") ? "" : "\n")
    }
}

/// `vigil config fragment list`.
struct FragmentListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the owners and what each defines.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let ownership = try await connection.withClient { client in try await client.fragments() }
        for line in ApplyReport.ownershipLines(ownership) { print(line) }
    }
}
