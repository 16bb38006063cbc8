import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a CIB (`cibadmin -Q`, or a file of the 1.x, 2.x or 3.x schema) into a tree of
/// ``CIBElement``s with their lines.
public enum CIBParser {
    /// Parses `text`.
    ///
    /// - Throws: ``VigilImportError`` `invalidXML` with the line of the error.
    public static func parse(_ text: String, file: String) throws(VigilImportError) -> CIBElement {
        let root = try element(text, file: file)
        guard root.name == "cib" else {
            throw VigilImportError(.invalidXML, "\(file):\(root.line): expected a <cib> document, found <\(root.name)>")
        }
        return root
    }

    /// Parses any XML document (such as `crm_simulate --output-as=xml`'s) into its root.
    ///
    /// - Throws: ``VigilImportError`` `invalidXML` with the line of the error.
    public static func element(_ text: String, file: String) throws(VigilImportError) -> CIBElement {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            let message = parser.parserError.map { "\($0.localizedDescription)" } ?? "not an XML document"
            throw VigilImportError(.invalidXML, "\(file):\(parser.lineNumber): \(message)")
        }
        return root
    }

    /// Builds the tree from the parser's events.
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [CIBElement] = []
        var root: CIBElement?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            stack.append(CIBElement(name: elementName, attributes: attributes, line: parser.lineNumber))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }
    }
}
