/// A virtual IP address (`agent: vip`): `ip`, `cidr`, `interface`.
public struct VIPSpec: Sendable, Hashable {
    /// The resource name (for logs).
    public var name: String
    /// The address, IPv4 (`198.18.0.100`) or IPv6 (`2001:db8::10`).
    public var ip: String
    /// The prefix length (0–32 for IPv4, 0–128 for IPv6).
    public var cidr: Int
    /// The interface the address is added to.
    public var interface: String
    /// Announcements (gratuitous ARP / unsolicited neighbour advertisements) sent,
    /// 50 ms apart, after adding the address.
    public var announceCount: Int
    /// Run `ip`/`arping` inside this named network namespace (`ip netns`); `nil` for
    /// the current one. Meant for labs and tests.
    public var namespace: String?

    /// Creates a spec.
    public init(name: String, ip: String, cidr: Int, interface: String, announceCount: Int = 2, namespace: String? = nil) {
        self.name = name
        self.ip = ip
        self.cidr = cidr
        self.interface = interface
        self.announceCount = announceCount
        self.namespace = namespace
    }

    /// Whether `ip` is an IPv6 address.
    public var isIPv6: Bool { ip.contains(":") }
}
