/// The bounds every input document and value is held to, so that nothing that validates
/// can crash or hang an agent (docs/configuration.md "Limits").
public enum InputLimits {
    /// The largest configuration or state document accepted, in bytes (4 MiB): a
    /// thousand-resource cluster needs well under 1 MiB.
    public static let documentBytes = 4 * 1024 * 1024

    /// The most nodes a document may have once its aliases are expanded. Aliases are
    /// allowed, but nested ones multiply ("a billion laughs"): composing shares them, and
    /// decoding would walk every copy.
    public static let expandedNodes = 1_000_000

    /// The range of each kind of duration in a configuration.
    public enum Durations {
        /// Recurring intervals (monitors, health probes): from 100ms (a busier loop gains
        /// nothing over a probe's own cost) to 24h.
        public static let interval: ClosedRange<Duration> = .milliseconds(100) ... .seconds(24 * 3600)
        /// Timeouts of one action or probe, and `stop-timeout`: from 100ms to 24h.
        public static let timeout: ClosedRange<Duration> = .milliseconds(100) ... .seconds(24 * 3600)
        /// `cluster.node-loss-timeout` (the member lease TTL): etcd keeps leases of whole
        /// seconds, so at least 1s; at most 5m, beyond which a lost node holds its
        /// resources for longer than any HA cluster wants.
        public static let nodeLoss: ClosedRange<Duration> = .seconds(1) ... .seconds(300)
        /// `resources[].failure-timeout`: from 1s to 30 days (720h).
        public static let failureExpiry: ClosedRange<Duration> = .seconds(1) ... .seconds(30 * 24 * 3600)
        /// `fence-devices[].timeout`: from 1s to 1h.
        public static let fence: ClosedRange<Duration> = .seconds(1) ... .seconds(3600)
    }

    /// Whether `name` can be exported as `OCF_RESKEY_<name>`: a shell identifier (ASCII
    /// letters, digits and `_`, not starting with a digit), as the OCF executor requires.
    public static func isOCFParameterName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
        }
    }
}
