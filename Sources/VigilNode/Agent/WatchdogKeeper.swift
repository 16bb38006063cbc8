public import Logging
public import VigilAgents

/// Arms, feeds and disarms the agent's watchdog by ``WatchdogRule``.
///
/// Armed (the device opened) before the first exclusive resource starts; fed on every
/// ``tick(leaseConfirmed:holdsExclusive:)`` the rule allows; disarmed on a graceful exit
/// only when nothing exclusive runs, else left armed so the machine resets.
public actor WatchdogKeeper {
    /// The settings.
    public nonisolated let settings: WatchdogSettings
    /// The timeout the peers are told (known before the device is opened: for a real
    /// device without a given timeout, it is read once at creation).
    public nonisolated let timeout: Duration
    private var device: WatchdogDevice?
    private var starving = false
    private let logger: Logger

    /// Creates a keeper; opens the device once to learn its timeout when none is given,
    /// and disarms it again.
    /// - Throws: `AgentsError` (`watchdog`) when the device cannot be used.
    public init(settings: WatchdogSettings, logger: Logger) throws(AgentsError) {
        self.settings = settings
        self.logger = logger
        if let timeout = settings.timeout {
            self.timeout = timeout
        } else {
            let probe = try WatchdogDevice(path: settings.device, timeout: nil)
            self.timeout = probe.timeout
            probe.disarm()
        }
    }

    /// Whether the device is open (armed).
    public var armed: Bool { device != nil }

    /// Arms the watchdog if it is not yet. Returns nil when armed, else why not.
    public func arm() -> String? {
        guard device == nil else { return nil }
        do {
            let opened = try WatchdogDevice(path: settings.device, timeout: settings.timeout ?? timeout)
            opened.feed()
            device = opened
            logger.notice("watchdog armed", metadata: ["device": "\(settings.device)", "timeout": "\(opened.timeout)"])
            return nil
        } catch {
            logger.error("cannot arm the watchdog", metadata: ["device": "\(settings.device)", "error": "\(error)"])
            return error.message
        }
    }

    /// Feeds the armed watchdog if ``WatchdogRule`` allows it now.
    public func tick(leaseConfirmed: Bool, holdsExclusive: Bool) {
        guard let device else { return }
        if WatchdogRule.shouldFeed(leaseConfirmed: leaseConfirmed, holdsExclusive: holdsExclusive) {
            if starving { logger.notice("watchdog fed again") }
            starving = false
            device.feed()
        } else if !starving {
            starving = true
            logger.critical(
                "watchdog no longer fed: the lease is not confirmed and an exclusive resource may run; the machine resets",
                metadata: ["timeout": "\(timeout)"])
        }
    }

    /// On exit: disarms when nothing exclusive runs, else leaves the watchdog to reset the machine.
    public func close(holdsExclusive: Bool) {
        guard let device else { return }
        self.device = nil
        if holdsExclusive {
            logger.critical("exiting with an exclusive resource not known stopped: watchdog left armed")
            device.abandon()
        } else {
            device.disarm()
            logger.notice("watchdog disarmed")
        }
    }
}
