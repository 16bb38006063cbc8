import Foundation

/// RabbitMQ 3.x: cluster metadata in Mnesia. A node that was not the last to stop waits
/// for the last one ("Waiting for Mnesia tables", 10 × 30 s by default);
/// `rabbitmqctl force_boot` lets it boot alone. Its data directory names the members
/// (`cluster_nodes.config`: `{[All],[Disc]}.`) and the nodes running when it stopped
/// (`nodes_running_at_shutdown`).
public struct RabbitMQMnesiaStore: RabbitMQMetadataStore {
    /// Creates the store.
    public init() {}

    /// Reads `cluster_nodes.config` and `nodes_running_at_shutdown`.
    public func localData(_ spec: RabbitMQSpec) -> RabbitMQLocalData? {
        let dir = spec.dataDirectory
        guard FileManager.default.fileExists(atPath: dir + "/schema.DAT") else { return .empty }
        guard let nodes = try? String(contentsOfFile: dir + "/cluster_nodes.config", encoding: .utf8) else {
            // A database without the file: a standalone node (it writes the file on its first boot).
            return RabbitMQLocalData(initialised: true, members: [spec.nodename], runningAtShutdown: [spec.nodename])
        }
        let running = (try? String(contentsOfFile: dir + "/nodes_running_at_shutdown", encoding: .utf8)).map(Self.atoms) ?? []
        var members = Self.atoms(String(nodes.split(separator: "]").first ?? ""))
        if !members.contains(spec.nodename) { members.append(spec.nodename) }
        return RabbitMQLocalData(initialised: true, members: members.sorted(), runningAtShutdown: running.sorted())
    }

    /// `rabbitmqctl force_boot` (the node must be stopped).
    public func prepareForceBoot(_ spec: RabbitMQSpec, cli: RabbitMQCLI) async -> Result<Void, AgentsError> {
        switch await cli.run(["force_boot"], timeout: .seconds(60)) {
        case .success: return .success(())
        case .failure(let error): return .failure(error)
        }
    }

    /// "Waiting for Mnesia tables for 30000 ms, 9 retries left".
    public func isWaitingForPeers(logLine: String) -> Bool {
        logLine.contains("Waiting for Mnesia tables")
    }

    /// The atoms of an Erlang list text: `[rabbit@a,'rabbit@b-c']` → names.
    static func atoms(_ text: String) -> [String] {
        text.split(whereSeparator: { "[]{}, \n\t".contains($0) })
            .map { String($0.hasSuffix(".") ? $0.dropLast() : $0).trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            .filter { $0.contains("@") }
    }
}
