import VigilCluster
public import Logging
public import VigilAgents

/// Arms, feeds and disarms the agent's watchdog by ``WatchdogRule``.
///
/// Armed (the device opened) when the agent starts, and in any case before a resource starts; fed on every
/// ``tick(leaseConfirmed:holdsGuarded:)`` the rule allows; disarmed on a graceful exit
/// only when nothing exclusive runs, else left armed so the machine resets.
public actor WatchdogKeeper {
    /// The device's name (for logs).
    public nonisolated let device: String
    /// The timeout the peers are told: published in the member record before the device
    /// is armed.
    public nonisolated let timeout: Duration
    private let open: @Sendable () throws(AgentsError) -> any Watchdog
    private var armedWatchdog: (any Watchdog)?
    private var starving = false
    private let logger: Logger

    /// Creates a keeper that arms what `open` opens (with `timeout`).
    public init(device: String, timeout: Duration, logger: Logger, open: @escaping @Sendable () throws(AgentsError) -> any Watchdog) {
        self.device = device
        self.timeout = timeout
        self.open = open
        self.logger = logger
    }

    /// A keeper of a Linux watchdog device (or a FIFO test watchdog). Without a given
    /// timeout the device is opened once to read its own, and disarmed again.
    /// - Throws: `AgentsError` (`watchdog`) when the device cannot be used.
    public static func device(_ settings: WatchdogSettings, logger: Logger) throws(AgentsError) -> WatchdogKeeper {
        var timeout: Duration
        if let given = settings.timeout {
            timeout = given
        } else {
            let probe = try WatchdogDevice(path: settings.device, timeout: nil)
            timeout = probe.timeout
            probe.disarm()
        }
        let fixed = timeout
        return WatchdogKeeper(device: settings.device, timeout: timeout, logger: logger) { () throws(AgentsError) -> any Watchdog in
            try WatchdogDevice(path: settings.device, timeout: fixed)
        }
    }

    /// Whether the device is open (armed).
    public var armed: Bool { armedWatchdog != nil }

    /// Arms the watchdog if it is not yet. Returns nil when armed, else why not.
    public func arm() -> String? {
        guard armedWatchdog == nil else { return nil }
        do {
            let opened = try open()
            opened.feed()
            armedWatchdog = opened
            logger.notice("watchdog armed", metadata: ["device": "\(device)", "timeout": "\(opened.timeout)"])
            return nil
        } catch {
            logger.error("cannot arm the watchdog", metadata: ["device": "\(device)", "error": "\(error)"])
            return error.message
        }
    }

    /// Feeds the armed watchdog if ``WatchdogRule`` allows it now.
    public func tick(leaseConfirmed: Bool, holdsGuarded: Bool) {
        guard let armedWatchdog else { return }
        if WatchdogRule.shouldFeed(leaseConfirmed: leaseConfirmed, holdsGuarded: holdsGuarded) {
            if starving { logger.notice("watchdog fed again") }
            starving = false
            armedWatchdog.feed()
        } else if !starving {
            starving = true
            logger.critical(
                "watchdog no longer fed: the lease is not confirmed and an exclusive resource may run; the machine resets",
                metadata: ["timeout": "\(timeout)"])
        }
    }

    /// On exit: disarms when nothing exclusive runs, else leaves the watchdog to reset the machine.
    public func close(holdsGuarded: Bool) {
        guard let armedWatchdog else { return }
        self.armedWatchdog = nil
        if holdsGuarded {
            logger.critical("exiting with an exclusive resource not known stopped: watchdog left armed")
            armedWatchdog.abandon()
        } else {
            armedWatchdog.disarm()
            logger.notice("watchdog disarmed")
        }
    }
}
