/// TLS settings for `https://` etcd endpoints: the CA that signed the server certificates
/// and, when etcd requires client certificates (`--client-cert-auth`), this client's
/// certificate and key. Paths are PEM files, read when the store is opened.
public struct EtcdTLSConfiguration: Sendable, Hashable {
    /// CA bundle to verify etcd's certificate; nil uses the system trust store.
    public var caFile: String?
    /// Client certificate (chain) presented to etcd.
    public var certificateFile: String?
    /// Private key of the client certificate.
    public var keyFile: String?
    /// Skip verifying the server's hostname (the certificate chain is still verified).
    public var skipHostnameVerification: Bool

    /// Creates TLS settings.
    public init(
        caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil,
        skipHostnameVerification: Bool = false
    ) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.skipHostnameVerification = skipHostnameVerification
    }
}
