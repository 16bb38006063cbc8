import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An OCF agent's parsed meta-data XML (`<resource-agent>`).
public struct OCFMetadata: Sendable, Hashable {
    /// The agent name (`<resource-agent name=…>`).
    public var name: String
    /// The declared parameters, in document order.
    public var parameters: [OCFParameter]
    /// The declared actions (`<action name=…>`), in document order.
    public var actions: [String]

    /// Creates meta-data from parts.
    public init(name: String, parameters: [OCFParameter], actions: [String]) {
        self.name = name
        self.parameters = parameters
        self.actions = actions
    }

    /// Parses meta-data XML as printed by `<agent> meta-data`.
    ///
    /// - Throws: `AgentsError` (`invalidMetadata`) when the text is not well-formed
    ///   XML or has no `<resource-agent>` root.
    public init(xml: String) throws {
        let delegate = OCFMetadataParserDelegate()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            let reason = parser.parserError.map { "\($0)" } ?? "unknown error"
            throw AgentsError(.invalidMetadata, "meta-data is not well-formed XML: \(reason)")
        }
        guard let name = delegate.agentName, delegate.complete else {
            throw AgentsError(.invalidMetadata, "meta-data has no complete <resource-agent> element")
        }
        self.init(name: name, parameters: delegate.parameters, actions: delegate.actions)
    }

    /// The parameters marked `required="1"`.
    public var requiredParameters: [OCFParameter] {
        parameters.filter(\.required)
    }

    /// Checks an instance's parameters: a message for each required parameter that is
    /// missing or empty (naming `resource`). Unknown parameters are not errors
    /// (agents accept undeclared ones).
    public func problems(with given: [String: String], resource: String) -> [String] {
        requiredParameters.compactMap { parameter in
            if let value = given[parameter.name], !value.isEmpty { return nil }
            return "\(resource): agent \(name) requires parameter '\(parameter.name)'"
                + (parameter.shortDescription.map { " (\($0))" } ?? "")
        }
    }
}
