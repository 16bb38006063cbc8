import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `cibadmin -Q [--xpath XPATH] [-o SCOPE]`: the cluster as a CIB (``CIBDocument``), or the
/// elements an XPath selects in it, one per line (several inside `<xpath-query>`), as
/// `ocf:heartbeat:rabbitmq-cluster` reads its peers' node names. The CIB is Vigil's view,
/// not a configuration: every write (`-C`, `-R`, `-M`, `-D`, `-E`, `-B`, `-U`) exits 3.
enum CibadminTool {
    static let options: [ToolArguments.Option] = [
        .init(name: "query", short: "Q", takesValue: false),
        .init(name: "xpath", short: "A", takesValue: true),
        .init(name: "scope", short: "o", takesValue: true),
        .init(name: "local", short: "l", takesValue: false),
        .init(name: "sync-call", short: "s", takesValue: false),
        .init(name: "no-children", short: "n", takesValue: false),
        .init(name: "verbose", short: "V", takesValue: false),
        .init(name: "create", short: "C", takesValue: false),
        .init(name: "replace", short: "R", takesValue: false),
        .init(name: "modify", short: "M", takesValue: false),
        .init(name: "delete", short: "D", takesValue: false),
        .init(name: "erase", short: "E", takesValue: false),
        .init(name: "bump", short: "B", takesValue: false),
        .init(name: "upgrade", short: "u", takesValue: false),
        .init(name: "xml-text", short: "X", takesValue: true),
        .init(name: "xml-file", short: "x", takesValue: true),
        .init(name: "force", short: "f", takesValue: false),
    ]

    static func run(_ words: [String], context: PacemakerTool.Context) async throws -> String {
        let arguments = try ToolArguments(words, options: options)
        for write in ["create", "replace", "modify", "delete", "erase", "bump", "upgrade"] where arguments.has(write) {
            throw PacemakerToolError.unsupported("cibadmin --\(write): Vigil's configuration is YAML (vigil config apply), not a CIB")
        }
        guard arguments.has("query") else { throw PacemakerToolError(usage: "only -Q/--query is answered") }
        let cluster = try await ClusterMembers.fetch(from: try context.client())
        var xpath = arguments.value("xpath")
        if xpath == nil, let scope = arguments.value("scope") {
            switch scope {
            case "status": xpath = "/cib/status"
            case "nodes": xpath = "/cib/configuration/nodes"
            case "configuration": xpath = "/cib/configuration"
            case "crm_config", "resources", "constraints": xpath = "/cib/configuration/\(scope)"
            default: throw PacemakerToolError(usage: "--scope \(scope) is not a CIB section")
            }
        }
        let document = CIBDocument.cib(cluster)
        guard let xpath else { return document }
        return try select(xpath, in: document)
    }

    /// The elements `xpath` selects in `document`, as cibadmin prints them.
    static func select(_ xpath: String, in document: String) throws(PacemakerToolError) -> String {
        let matches: [String]
        do {
            let xml = try XMLDocument(xmlString: document, options: [])
            matches = try xml.nodes(forXPath: xpath).map(\.xmlString)
        } catch {
            throw PacemakerToolError(usage: "--xpath \(xpath): \(error)")
        }
        guard !matches.isEmpty else {
            throw PacemakerToolError.noSuch("Call cib_query failed (-6): No such device or address")
        }
        if matches.count == 1 { return matches[0] + "\n" }
        return "<xpath-query>\n" + matches.map { "  " + $0 + "\n" }.joined() + "</xpath-query>\n"
    }
}
