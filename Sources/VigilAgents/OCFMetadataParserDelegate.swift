import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// SAX delegate collecting the parts of OCF meta-data Vigil uses. Used from one thread
/// inside `OCFMetadata.init(xml:)` only.
final class OCFMetadataParserDelegate: NSObject, XMLParserDelegate {
    var agentName: String?
    var parameters: [OCFParameter] = []
    var actions: [String] = []
    var complete = false
    private var current: OCFParameter?
    private var inActions = false
    private var inShortDesc = false
    private var text = ""

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes: [String: String] = [:]
    ) {
        switch elementName {
        case "resource-agent":
            if agentName == nil { agentName = attributes["name"] ?? "" }
        case "parameter":
            current = OCFParameter(
                name: attributes["name"] ?? "",
                required: Self.flag(attributes["required"]),
                unique: Self.flag(attributes["unique"]))
        case "content":
            current?.type = attributes["type"]
            current?.defaultValue = attributes["default"]
        case "shortdesc":
            inShortDesc = current != nil
            text = ""
        case "actions":
            inActions = true
        case "action":
            if inActions, let name = attributes["name"], !actions.contains(name) { actions.append(name) }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inShortDesc { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch elementName {
        case "parameter":
            if let parameter = current, !parameter.name.isEmpty { parameters.append(parameter) }
            current = nil
        case "shortdesc":
            if inShortDesc {
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { current?.shortDescription = trimmed }
            }
            inShortDesc = false
        case "actions":
            inActions = false
        case "resource-agent":
            complete = true
        default:
            break
        }
    }

    private static func flag(_ value: String?) -> Bool {
        guard let value = value?.lowercased() else { return false }
        return value == "1" || value == "true" || value == "yes"
    }
}
