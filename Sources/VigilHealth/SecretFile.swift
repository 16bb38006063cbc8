import VigilCommand

/// Reads secrets from files (``VigilCommand/SecretFile``: the first line, at most 64 KiB).
enum SecretFile {
    /// The secret in `path`, `""` when `path` is nil.
    static func read(_ path: String?) throws -> String {
        guard let path else { return "" }
        do {
            return try VigilCommand.SecretFile.read(path)
        } catch {
            throw HealthError(.secretUnreadable, error.message)
        }
    }
}
