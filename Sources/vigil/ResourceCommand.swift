import ArgumentParser

/// `vigil resource …`.
struct ResourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource",
        abstract: "Act on one resource.",
        subcommands: [
            ResourceRunCommand.self, ResourceMoveCommand.self, ResourceBanCommand.self, ResourceClearCommand.self,
            ResourceRestartCommand.self, ResourceCleanupCommand.self,
        ]
    )
}
