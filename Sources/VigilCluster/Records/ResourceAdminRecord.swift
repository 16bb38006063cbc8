/// The value of `resources/<resource>/admin`: the operator's overrides for a resource,
/// applied as constraints on top of the configuration (Pacemaker's `cli-prefer-*` and
/// `cli-ban-*` constraints).
public struct ResourceAdminRecord: Codable, Sendable, Hashable {
    /// `vigil resource move R --node N`: an INFINITY location preference for N.
    public var prefer: String?
    /// `vigil resource ban R --node N`: -INFINITY locations.
    public var bans: [String]
    /// `vigil resource restart`: held stopped until the restart clears it.
    public var stopped: Bool

    /// Creates a record.
    public init(prefer: String? = nil, bans: [String] = [], stopped: Bool = false) {
        self.prefer = prefer
        self.bans = bans
        self.stopped = stopped
    }

    /// Whether the record overrides nothing (the key can be deleted).
    public var isEmpty: Bool { prefer == nil && bans.isEmpty && !stopped }
}
