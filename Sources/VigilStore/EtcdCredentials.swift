/// An etcd user and password (etcd `--auth`). The caller reads the password (e.g. from a
/// file); it is sent only to `/v3/auth/authenticate` and never logged or printed.
public struct EtcdCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The etcd user name.
    public var username: String
    /// The password.
    public var password: String

    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The user name with the password redacted.
    public var description: String { "EtcdCredentials(username: \(username), password: <redacted>)" }
}
