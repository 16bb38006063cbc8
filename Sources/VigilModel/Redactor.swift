/// Takes secrets out of text that leaves the agent — status and event messages, log lines,
/// probe descriptions — and bounds its length (pure).
///
/// It replaces every occurrence of a known secret (the contents of the secret files the
/// configuration names, ``secrets``) and, as a second line of defence for secrets it was not
/// told about, the value after `password=`, `passwd: `, `token=`, `Authorization: ` and the
/// like, and the credentials of a URL. Text longer than ``maximumLength`` is cut.
public struct Redactor: Sendable, Hashable {
    /// What replaces a secret.
    public static let mark = "[redacted]"
    /// The longest text kept (bytes of UTF-8, about): an agent's output can be 64 KiB.
    public static let maximumLength = 2048
    /// Known secret values (shorter than 4 characters are ignored: they would blank out
    /// ordinary words).
    public private(set) var secrets: [String] = []

    /// Creates a redactor for `secrets`.
    public init(secrets: some Sequence<String> = []) {
        self.secrets = Self.usable(secrets)
    }

    static func usable(_ secrets: some Sequence<String>) -> [String] {
        // Longest first, so that a secret containing another is replaced whole.
        Set(secrets.filter { $0.count >= 4 }).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// `text` without secrets, at most ``maximumLength`` long.
    public func redact(_ text: String) -> String {
        var result = text
        if result.utf8.count > Self.maximumLength {
            result = String(decoding: result.utf8.prefix(Self.maximumLength), as: UTF8.self) + " … (truncated)"
        }
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.mark)
        }
        return Self.redactPatterns(result)
    }

    /// The values after secret-looking keys, and URL credentials, replaced.
    static func redactPatterns(_ text: String) -> String {
        var result = text
        // key=value / key: value, where the key names a secret.
        let assignment = /(?i)\b([A-Za-z0-9_.-]*(?:passw|secret|token|api[_-]?key|credential|passphrase)[A-Za-z0-9_.-]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)/
        result = result.replacing(assignment) { match in "\(match.output.1)\(match.output.2)\(mark)" }
        // HTTP authorization values.
        let authorization = /(?i)\b(authorization|proxy-authorization|cookie)(\s*[=:]\s*)(?:(basic|bearer|digest)\s+)?[^\s,;]+/
        result = result.replacing(authorization) { match in
            "\(match.output.1)\(match.output.2)\(match.output.3.map { $0 + " " } ?? "")\(mark)"
        }
        // scheme://user:password@host
        let userinfo = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s\/@]+@/
        result = result.replacing(userinfo) { match in "\(match.output.1)\(mark)@" }
        return result
    }
}
