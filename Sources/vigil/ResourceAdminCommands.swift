import ArgumentParser
import VigilNode
import VigilCluster

/// `vigil resource move NAME [--node N]`.
struct ResourceMoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move",
        abstract: "Prefer NODE for a resource (INFINITY), or without --node ban it from where it runs now.",
        discussion: "The constraint stays until 'vigil resource clear NAME'.")

    @Argument(help: "The resource or group.") var name: String
    @Option(name: .long, help: "The node to move it to.") var node: String?
    @Flag(name: .long, help: "Wait until it runs there (or, without --node, elsewhere) and the cluster has settled; exit 1 if not within --timeout.")
    var wait = false
    @Option(name: .long, help: "How long --wait waits, in seconds.") var timeout: Int = 120
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (name, node, wait, timeout) = (self.name, self.node, self.wait, self.timeout)
        try await connection.withClient { client in
            let before = wait ? try await client.view() : nil
            let admin = try await client.move(name, to: node)
            print(ResourceAdminText.describe(name, admin))
            guard let before, let config = before.config else { return }
            let primitives = config.group(named: name)?.members ?? [name]
            let from = Set(primitives.flatMap { resource in
                before.status.filter { before.members[$0.key] != nil && $0.value[resource]?.state.isActive == true }.map(\.key)
            })
            try await SettleProgress.wait(
                client, timeout: timeout, reached: node.map { "\(name) moved to \($0)" } ?? "\(name) moved", resources: primitives,
                explain: [name], target: node
            ) { view in
                let running = Set(primitives.flatMap { resource in
                    view.status.filter { view.members[$0.key] != nil && $0.value[resource]?.state.isActive == true }.map(\.key)
                })
                if let node {
                    return running == [node] ? nil : "\(name) does not run on \(node) yet"
                }
                return !running.isEmpty && running.isDisjoint(with: from) ? nil : "\(name) still runs on \(from.sorted().joined(separator: " "))"
            }
        }
    }
}

/// `vigil resource ban NAME [--node N]`.
struct ResourceBanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ban",
        abstract: "Keep a resource off NODE (-INFINITY), or without --node off the nodes where it runs now.",
        discussion: "The constraint stays until 'vigil resource clear NAME'.")

    @Argument(help: "The resource or group.") var name: String
    @Option(name: .long, help: "The node to ban it from.") var node: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let admin = try await connection.withClient { client in try await client.ban(name, from: node) }
        print(ResourceAdminText.describe(name, admin))
    }
}

/// `vigil resource clear NAME`.
struct ResourceClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear", abstract: "Remove the constraints 'move' and 'ban' added to a resource.")

    @Argument(help: "The resource or group.") var name: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let admin = try await connection.withClient { client in try await client.clear(name) }
        print(ResourceAdminText.describe(name, admin))
    }
}

/// `vigil resource restart NAME [--timeout 60s]`.
struct ResourceRestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Stop a resource everywhere, wait until it is stopped, then let it start again.")

    @Argument(help: "The resource or group.") var name: String
    @Option(name: .long, help: "How long to wait for it to stop, in seconds.") var timeout: Int = 60
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
    }

    func run() async throws {
        try await connection.withClient { client in try await client.restart(name, timeout: .seconds(timeout)) }
        print("\(name): stopped everywhere, starting again")
    }
}

/// `vigil resource cleanup NAME [--node N]`.
struct ResourceCleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Forget a resource's failures (its failcounts) on NODE or on every node.")

    @Argument(help: "The resource or group.") var name: String
    @Option(name: .long, help: "Only this node's failcount.") var node: String?
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let deleted = try await connection.withClient { client in try await client.cleanup(name, node: node) }
        print("\(name): \(deleted) failcount\(deleted == 1 ? "" : "s") deleted")
    }
}

enum ResourceAdminText {
    static func describe(_ name: String, _ admin: ResourceAdminRecord) -> String {
        if admin.isEmpty { return "\(name): no move or ban constraints" }
        var parts: [String] = []
        if let prefer = admin.prefer { parts.append("prefers \(prefer)") }
        if !admin.bans.isEmpty { parts.append("banned from \(admin.bans.joined(separator: ", "))") }
        if admin.stopped { parts.append("held stopped") }
        return "\(name): " + parts.joined(separator: "; ")
    }
}
