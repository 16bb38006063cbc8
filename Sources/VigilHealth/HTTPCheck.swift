/// `http: {url, expect-status, expect-body, headers, ca-file, insecure}`.
public struct HTTPCheck: Sendable, Hashable {
    /// The URL (`http://` or `https://`).
    public var url: String
    /// The status the response must have.
    public var expectStatus: Int
    /// A regular expression the body (first `bodyLimit` bytes) must contain a match of.
    public var expectBody: String?
    /// Request headers.
    public var headers: [String: String]
    /// Secret request headers: name → file whose first line is the value, read at each probe.
    public var headerFiles: [String: String] = [:]
    /// The HTTP method.
    public var method: String
    /// A PEM file of CA certificates that replaces the system trust store.
    public var caFile: String?
    /// Skip certificate verification (not recommended).
    public var insecure: Bool
    /// Bytes of body read for `expectBody`.
    public var bodyLimit: Int

    /// Creates a check.
    public init(
        url: String, expectStatus: Int = 200, expectBody: String? = nil, headers: [String: String] = [:],
        method: String = "GET", caFile: String? = nil, insecure: Bool = false, bodyLimit: Int = 1 << 20
    ) {
        self.url = url
        self.expectStatus = expectStatus
        self.expectBody = expectBody
        self.headers = headers
        self.method = method
        self.caFile = caFile
        self.insecure = insecure
        self.bodyLimit = bodyLimit
    }
}
