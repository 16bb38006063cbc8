/// Checks of a Galera node's option file (placeholder until the full checks land).
public enum GaleraConfigCheck {
    /// A problem with a parameter.
    public struct Problem: Sendable, Hashable {
        /// The params key.
        public var field: String
        /// What is wrong.
        public var message: String
    }

    /// The problems of `optionFile`.
    public static func problems(optionFile: String, cloneMax: Int?) -> [Problem] {
        do {
            let file = try MariaDBOptionFile.load(optionFile)
            if file.wsrepProvider == nil { return [Problem(field: "config", message: "\(optionFile): no wsrep_provider")] }
        } catch {
            return [Problem(field: "config", message: error.message)]
        }
        return []
    }
}
