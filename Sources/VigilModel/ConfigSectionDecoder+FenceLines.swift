internal import Yams

extension ConfigSectionDecoder {
    /// Refuses the entries of a fence device's `params` or `plugs` mapping that would not
    /// stay one `key=value` line on the fence agent's standard input: a line break or NUL
    /// would let the configuration add lines (another `action=`, another `plug=`).
    /// Keys are checked too when they become the left side of a line (`params`).
    mutating func checkFenceLines(_ node: Node, _ path: String, keys: Bool) {
        guard case .mapping(let mapping) = node else { return }
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else { continue }
            let field = "\(path).\(FenceLine.visible(key.string))"
            if keys, !FenceLine.isKey(key.string) {
                reader.error(
                    keyNode, field,
                    "expected a parameter name without '=', line breaks or NUL, got '\(FenceLine.visible(key.string))'")
            }
            if case .scalar(let value) = valueNode, !FenceLine.isLine(value.string) {
                reader.error(
                    valueNode, field,
                    "expected a single line: a line break or NUL would add lines to the fence agent's standard input")
            }
        }
    }
}
