import ArgumentParser
import VigilModel

/// `vigil config …`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate, apply and show the cluster configuration.",
        subcommands: [ConfigValidateCommand.self]
    )
}

/// `vigil config validate FILE`: report every error with its position; exit 1 if any.
struct ConfigValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file and print every error with its file, line, column and field."
    )

    @Argument(help: "The configuration file (YAML).")
    var file: String

    func run() throws {
        let config = try reportingErrors { try InputFile.config(file) }
        let clones = config.resources.filter(\.isClone).count
        print("\(file): valid — \(config.nodes.count) nodes, \(config.resources.count) resources (\(clones) clones), "
              + "\(config.groups.count) groups, \(config.constraints.count) constraints")
    }
}
