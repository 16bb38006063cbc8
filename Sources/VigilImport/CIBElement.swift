/// One element of a CIB, with the line it starts on (for the problems an import reports).
public struct CIBElement: Sendable, Hashable {
    /// The tag.
    public var name: String
    /// Its attributes.
    public var attributes: [String: String]
    /// Its child elements, in document order.
    public var children: [CIBElement]
    /// The line of its start tag (1-based).
    public var line: Int

    /// Creates an element.
    public init(name: String, attributes: [String: String] = [:], children: [CIBElement] = [], line: Int = 0) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.line = line
    }

    /// The attribute `key`.
    public subscript(key: String) -> String? { attributes[key] }

    /// The children named `name`.
    public func children(_ name: String) -> [CIBElement] { children.filter { $0.name == name } }

    /// The first child named `name`.
    public func child(_ name: String) -> CIBElement? { children.first { $0.name == name } }

    /// The element at a path of child names below this one (first match at each step).
    public func descendant(_ path: String...) -> CIBElement? {
        var current: CIBElement? = self
        for name in path { current = current?.child(name) }
        return current
    }

    /// `<tag id="…">`, for problem reports.
    public var label: String {
        attributes["id"].map { "<\(name) id=\"\($0)\">" } ?? "<\(name)>"
    }

    /// The `nvpair`s of every child named `block` (`instance_attributes`, `meta_attributes`,
    /// `cluster_property_set`), in order, as (name, value, element).
    public func nvpairs(in block: String) -> [(name: String, value: String, element: CIBElement)] {
        children(block).flatMap { set in
            set.children("nvpair").compactMap { pair in
                guard let name = pair["name"] else { return nil }
                return (name, pair["value"] ?? "", pair)
            }
        }
    }
}
