/// An armed watchdog: it resets the machine unless fed at least every ``timeout``
/// (``WatchdogDevice`` for a real one; the simulation has its own).
public protocol Watchdog: Sendable {
    /// The timeout in force.
    var timeout: Duration { get }
    /// Feeds it; returns whether the feed went through.
    @discardableResult func feed() -> Bool
    /// Disarms it: only when nothing it guards runs.
    func disarm()
    /// Lets go without disarming: it resets the machine unless fed within its timeout.
    func abandon()
}
