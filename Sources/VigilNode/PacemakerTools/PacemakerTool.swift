import Foundation

/// Pacemaker's `crm_attribute`, `crm_master`, `attrd_updater`, `crm_node`, `crm_mon` and
/// `cibadmin` (queries only), as OCF agents
/// call them, answered by Vigil (``AttributeShim`` links the names to the `vigil` binary,
/// which runs ``run(tool:arguments:environment:)`` when called by one of them).
///
/// They cover what the agents of Debian's resource-agents 4.12 and
/// pacemaker-resource-agents 2.1 use (docs/pacemaker.md lists the options). Node attributes
/// go through the local agent's socket (`VIGIL_ATTRIBUTES_SOCKET`); the promotion score of
/// this node's instance goes to the action's `VIGIL_PROMOTION_FILE`, which the executor
/// reads when the action ends.
public enum PacemakerTool {
    /// What a tool printed and its exit status.
    public struct Outcome: Sendable, Equatable {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var output: String
        /// Standard error.
        public var error: String
    }

    /// Where a tool runs: from the environment the OCF executor gave the agent.
    struct Context {
        /// This node (`VIGIL_NODE`).
        var node: String?
        /// The local agent's socket (`VIGIL_ATTRIBUTES_SOCKET`).
        var socket: String?
        /// This action's promotion file (`VIGIL_PROMOTION_FILE`).
        var promotionFile: String?
        /// The resource instance (`OCF_RESOURCE_INSTANCE`).
        var instance: String?

        init(environment: [String: String]) {
            func nonEmpty(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
            node = nonEmpty("VIGIL_NODE")
            socket = nonEmpty("VIGIL_ATTRIBUTES_SOCKET")
            promotionFile = nonEmpty("VIGIL_PROMOTION_FILE")
            instance = nonEmpty("OCF_RESOURCE_INSTANCE")
        }

        /// The client of the local agent.
        func client() throws(PacemakerToolError) -> AttributeSocketClient {
            guard let socket else {
                throw .unavailable("not running under a Vigil agent (no VIGIL_ATTRIBUTES_SOCKET): node attributes need the cluster")
            }
            return AttributeSocketClient(path: socket)
        }

        /// This node's name, from the environment or the agent.
        func localNode() async throws(PacemakerToolError) -> String {
            if let node { return node }
            return try await ClusterMembers.fetch(from: client()).node
        }
    }

    /// The tool a program name is, if it is one (``AttributeShim/names``; a path's last
    /// component counts).
    public static func tool(invokedAs programName: String) -> String? {
        let name = programName.split(separator: "/").last.map(String.init) ?? programName
        return ["crm_attribute", "crm_master", "attrd_updater", "crm_node", "crm_mon", "cibadmin", "pacemakerd"].contains(name) ? name : nil
    }

    /// Runs `tool` with `arguments` (without the program name).
    public static func run(tool: String, arguments: [String], environment: [String: String]) async -> Outcome {
        let context = Context(environment: environment)
        do {
            let output: String
            switch tool {
            case "crm_attribute": output = try await CrmAttributeTool.run(arguments, context: context, master: false)
            case "crm_master": output = try await CrmAttributeTool.run(arguments, context: context, master: true)
            case "attrd_updater": output = try await AttrdUpdaterTool.run(arguments, context: context)
            case "crm_node": output = try await CrmNodeTool.run(arguments, context: context)
            case "crm_mon": output = try await CrmMonTool.run(arguments, context: context)
            case "cibadmin": output = try await CibadminTool.run(arguments, context: context)
            case "pacemakerd":
                // Only its version: ocf_local_nodename asks crm_node -n only when pacemakerd
                // says it is newer than 1.1.8 (else it takes uname -n, not the node name).
                guard arguments.contains(where: { ["-$", "--version"].contains($0) }) else {
                    throw PacemakerToolError.unsupported("Vigil runs no pacemakerd; only --version is answered")
                }
                output = "Pacemaker 2.1.5 (answered by Vigil)\n"
            default: throw PacemakerToolError(usage: "\(tool) is not a tool Vigil answers")
            }
            return Outcome(status: 0, output: output, error: "")
        } catch let error as PacemakerToolError {
            return Outcome(status: error.status, output: "", error: "\(tool): \(error.message)\n")
        } catch {
            return Outcome(status: 1, output: "", error: "\(tool): \(error)\n")
        }
    }

    /// Percent-encodes a path segment for the socket's URIs.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// Parses a Pacemaker interval: a number with an optional unit (`ms`, `s`, `m`, `h`);
    /// a bare number is seconds, as Pacemaker's `crm_get_msec` reads it.
    static func interval(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isNumber }
        guard let number = Int64(digits) else { return nil }
        switch trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces) {
        case "", "s", "sec": return .seconds(number)
        case "ms", "msec": return .milliseconds(number)
        case "m", "min": return .seconds(number * 60)
        case "h", "hr": return .seconds(number * 3600)
        default: return nil
        }
    }
}
