/// The value of `nodes/<node>/watchdog`: the watchdog of the incarnation that wrote it, in
/// the transaction that created its member key (so its mod revision names that
/// incarnation). Not leased: it outlives the member key, which is when it is needed —
/// peers count the lost node as stopped once its lease has expired and `release-after-ms`
/// more has passed (``WatchdogRule``).
public struct NodeWatchdogRecord: Codable, Sendable, Hashable {
    /// The watchdog timeout in milliseconds.
    public var timeoutMs: Int64
    /// How long after its lease expired the node is certainly reset, in milliseconds (zero
    /// when it stops feeding early enough to be reset before). Absent in records of older
    /// agents, which stop feeding at their self-fence deadline: peers then wait the timeout.
    public var releaseAfterMs: Int64?

    /// Creates a record.
    public init(timeoutMs: Int64, releaseAfterMs: Int64? = nil) {
        self.timeoutMs = timeoutMs
        self.releaseAfterMs = releaseAfterMs
    }

    /// How long after the lease expired peers wait: `release-after-ms`, else the timeout.
    public var releaseAfter: Duration { .milliseconds(releaseAfterMs ?? timeoutMs) }

    enum CodingKeys: String, CodingKey {
        case timeoutMs = "timeout-ms"
        case releaseAfterMs = "release-after-ms"
    }
}
