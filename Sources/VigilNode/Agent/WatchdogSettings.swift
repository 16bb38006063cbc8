import VigilCluster
/// The watchdog an agent arms (`vigil agent --watchdog DEVICE [--watchdog-timeout T]`).
public struct WatchdogSettings: Sendable, Hashable {
    /// The device (`/dev/watchdog`, or a FIFO of a test watchdog).
    public var device: String
    /// The timeout to set (a real device: whole seconds; nil reads the device's own); a
    /// FIFO needs it.
    public var timeout: Duration?

    /// Creates settings.
    public init(device: String, timeout: Duration? = nil) {
        self.device = device
        self.timeout = timeout
    }
}
