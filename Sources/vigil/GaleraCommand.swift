import ArgumentParser
import VigilNode
import VigilCluster

/// `vigil galera …`.
struct GaleraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "galera",
        abstract: "Operate a Galera resource.",
        subcommands: [GaleraBootstrapCommand.self]
    )
}

/// `vigil galera bootstrap NODE --force [--reason TEXT] [--resource NAME]`.
struct GaleraBootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Make NODE form a new Galera cluster from its own data: the override for a node lost forever.",
        discussion: """
            Vigil bootstraps a Galera cluster only from the most advanced node, and waits while a node that \
            may hold newer transactions is down. When that node is lost forever, this command chooses NODE \
            instead: its agent starts it with --wsrep-new-cluster from whatever it holds, and the other nodes \
            join it. Transactions that only the other nodes committed are lost. Nothing is done without \
            --force. Refused while a Primary component runs, while NODE runs the resource, or while NODE's \
            agent is not running. Recorded in galera/<resource>/bootstrap (forced: true) and as a \
            galera-bootstrap-forced event with who and why.
            """
    )

    @Argument(help: "The node to bootstrap (its agent must run; its instance must be stopped).")
    var node: String

    @Flag(name: .long, help: "Do it: accept that transactions only the other nodes hold are lost.")
    var force = false

    @Option(name: .long, help: "Why, recorded with the choice and in the event.")
    var reason: String?

    @Option(name: .long, help: "The Galera resource. Default: the only one in the configuration.")
    var resource: String?

    @Flag(name: .long, help: "Wait until NODE is Synced in a new Primary component and the cluster has settled (progress on standard error); exit 1 if not within --timeout.")
    var wait = false

    @Option(name: .long, help: "How long --wait waits, in seconds.")
    var timeout: Int = 300

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let reason, reason.count > ClusterClient.maxBootstrapReasonLength {
            throw ValidationError("--reason is \(reason.count) characters long; at most \(ClusterClient.maxBootstrapReasonLength) are kept")
        }
    }

    /// What the command would do, for a refusal without `--force`.
    var refusal: String {
        let what = resource.map { "galera resource \($0)" } ?? "the galera resource"
        return """
            refusing without --force: this makes \(node) form a new cluster of \(what) from its own data \
            (--wsrep-new-cluster), skipping the rule that no node which may hold newer transactions is bootstrapped past.
            Transactions committed on the other nodes but not on \(node) are lost: those nodes discard them (by SST) when they join.
            Use it only when the node with the newest data is lost for good; 'vigil status' shows each node's last seqno.
            To do it: vigil galera bootstrap \(node) --force --reason "WHY"
            """
    }

    func run() async throws {
        guard force else {
            printError(refusal)
            throw ExitCodeError.invalidInput
        }
        let (node, wait, timeout) = (self.node, self.wait, self.timeout)
        let result = try await connection.withClient { client in
            try await client.forceGaleraBootstrap(node, resource: resource, reason: reason)
        }
        let record = result.record
        print("\(result.resource): \(record.node) chosen to bootstrap a new cluster from \(record.uuid):\(record.seqno) (forced, revision \(result.revision))")
        if !result.positionKnown {
            print("  \(record.node)'s position now is not known (it published none, or crashed since): its agent starts it from what it holds")
        }
        let others = result.nodes.keys.sorted().filter { $0 != record.node }
        if !others.isEmpty {
            print("  the other nodes join it; what they committed beyond it is lost:")
            for other in others {
                guard let line = result.nodes[other] else { continue }
                let seqno = line.seqno.map { "seqno \($0)" } ?? "no position published"
                let known = line.running || line.known == true || line.seqno == nil ? "" : " (may have committed more)"
                print("    \(other)  \(line.state)  \(seqno)\(known)")
            }
        }
        guard wait else {
            print("  recorded by \(record.by); watch it with 'vigil status' and 'vigil events' (or give --wait)")
            return
        }
        print("  recorded by \(record.by)")
        let name = result.resource
        try await connection.withClient { client in
            try await SettleProgress.wait(client, timeout: timeout, reached: "\(name): \(node) bootstrapped a new cluster", resources: [name], explain: [name]) {
                view in
                guard let galera = ClusterStatus(view: view).galera[name] else { return "\(name) is not a Galera resource any more" }
                let state = galera.nodes[node]?.state ?? "down"
                if galera.bootstrapped?.pending == true { return "\(node): \(state), no Primary component yet" }
                let synced = galera.nodeOrder.filter { galera.nodes[$0]?.state == "Synced" }
                return state == "Synced" ? nil : "\(node): \(state) (Synced: \(synced.isEmpty ? "none" : synced.joined(separator: " ")))"
            }
        }
    }
}
