import ArgumentParser
import Foundation
import VigilNode
import VigilCluster

/// `vigil status [--json] [--watch]`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the coordinator, the nodes, where each resource runs, and each Galera node's state.",
        discussion: """
            --json prints {"coordinator", "quorum", "nodes", "resources", "failcounts"}, plus "galera" \
            when there are Galera resources: for each, "writer", "bootstrapped" (who was chosen to \
            bootstrap, when) and each node's "state", "seqno" and "size". \
            --watch prints the status again after every change, until interrupted.
            """
    )

    @Flag(name: .long, help: "Print one JSON object (one per change with --watch).")
    var json = false

    @Flag(name: .long, help: "Print again after every change, until interrupted (on a terminal: redrawn in place).")
    var watch = false

    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set; colours go to terminals only).")
    var noColor = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let json = self.json
        let terminal = isatty(STDOUT_FILENO) == 1
        let color = terminal && !noColor && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        try await connection.withClient { client in
            if watch {
                try await client.watchStatus { status in
                    let text: String
                    if json {
                        text = status.json
                    } else if terminal {
                        // Redrawn in place: home, clear, the table, and when it was drawn.
                        text = "\u{1B}[H\u{1B}[2J" + status.text(color: color) + "\n(\(Date()), Ctrl-C to stop)"
                    } else {
                        text = "--- \(Date())\n" + status.text
                    }
                    // Unbuffered, so that a reader of a pipe sees each status at once.
                    FileHandle.standardOutput.write(Data((text + "\n").utf8))
                    return true
                }
            } else {
                let status = try await client.status()
                print(json ? status.json : status.text(color: color))
            }
        }
    }
}

/// `vigil events [--limit N]`.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print the cluster's recent events, oldest first."
    )

    @Option(name: .long, help: "How many of the most recent events to print.")
    var limit: Int = 50

    @Flag(name: .long, help: "Print one JSON object per line.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let events = try await connection.withClient { client in try await client.events(limit: limit) }
        for event in events {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: (try? encoder.encode(event)) ?? Data(), as: UTF8.self))
            } else {
                print([event.time, event.node, event.kind, event.resource ?? "-", event.message].joined(separator: "  "))
            }
        }
    }
}
