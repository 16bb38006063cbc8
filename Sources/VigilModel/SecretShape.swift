/// Recognises what must not be written inline in a configuration (pure): fields whose name
/// says they hold a secret, credentials in URLs, and values that are credentials whatever
/// their name. Such values go in files, named by the `*-file`/`*-files` forms.
public enum SecretShape {
    /// Parts of a field name (lower case) that mark a secret.
    static let secretWords = [
        "passw", "secret", "token", "apikey", "api_key", "api-key", "credential", "private_key", "private-key",
        "privatekey", "authorization", "cookie", "passphrase", "access_key", "access-key", "auth_key", "auth-key",
    ]

    /// Whether a field (environment variable, header, parameter) named `name` holds a
    /// secret. Names that end in `file`/`path`/`dir` name a file, not a secret.
    public static func isSecretName(_ name: String) -> Bool {
        let lower = name.lowercased()
        for suffix in ["file", "path", "dir", "_user", "-user", "user"] where lower.hasSuffix(suffix) { return false }
        if ["pass", "pwd", "passwd", "pw"].contains(lower) || lower.hasSuffix("_pass") || lower.hasSuffix("-pass") { return true }
        return secretWords.contains { lower.contains($0) }
    }

    /// Whether `url` carries credentials (`scheme://user:password@host` or `user@host`).
    public static func urlHasCredentials(_ url: String) -> Bool {
        guard let scheme = url.range(of: "://") else { return false }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.contains("@")
    }

    /// Whether `value` is a credential whatever the field's name: an HTTP authorization
    /// (`Basic …`, `Bearer …`, `Digest …`) or a URL with credentials.
    public static func looksLikeCredential(_ value: String) -> Bool {
        let lower = value.lowercased()
        return lower.hasPrefix("basic ") || lower.hasPrefix("bearer ") || lower.hasPrefix("digest ") || urlHasCredentials(value)
    }
}
