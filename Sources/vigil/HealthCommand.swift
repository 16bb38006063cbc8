import ArgumentParser

/// `vigil health …`.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Run deep health probes.",
        subcommands: [HealthCheckCommand.self]
    )
}
