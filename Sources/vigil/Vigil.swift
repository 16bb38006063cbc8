import ArgumentParser
import Foundation
import VigilNode

/// The `vigil` command line.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "A high-availability cluster manager: placement, fencing and deep health checks over etcd.",
        version: VigilVersion.string,
        subcommands: [
            AgentCommand.self, SimulateCommand.self, ConfigCommand.self, StatusCommand.self, NodeCommand.self, ResourceCommand.self,
            EventsCommand.self, HealthCommand.self, GaleraCommand.self, ImportCommand.self, ExplainCommand.self,
        ]
    )

    /// Called as `crm_attribute`, `crm_master`, `attrd_updater` or `crm_node` (the links an
    /// OCF agent finds in HA_SBIN_DIR), `vigil` answers as that Pacemaker tool; otherwise it
    /// is the `vigil` command line.
    static func main() async {
        let arguments = CommandLine.arguments
        if let tool = arguments.first.flatMap(PacemakerTool.tool(invokedAs:)) {
            let outcome = await PacemakerTool.run(tool: tool, arguments: Array(arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
            FileHandle.standardOutput.write(Data(outcome.output.utf8))
            FileHandle.standardError.write(Data(outcome.error.utf8))
            Foundation.exit(outcome.status)
        }
        await Self.main(nil)
    }
}
