/// The value of `nodes/<node>/watchdog`: the watchdog of the incarnation that wrote it, in
/// the transaction that created its member key (so its mod revision names that
/// incarnation). Not leased: it outlives the member key, which is when it is needed —
/// peers count the lost node as stopped once its lease has expired and this timeout more
/// has passed.
public struct NodeWatchdogRecord: Codable, Sendable, Hashable {
    /// The watchdog timeout in milliseconds.
    public var timeoutMs: Int64

    /// Creates a record.
    public init(timeoutMs: Int64) {
        self.timeoutMs = timeoutMs
    }

    enum CodingKeys: String, CodingKey {
        case timeoutMs = "timeout-ms"
    }
}
