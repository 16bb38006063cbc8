import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A Linux watchdog device (`/dev/watchdog`, softdog included): once opened it resets the
/// machine unless it is written to ("fed") at least every ``timeout``. Closing it after
/// writing the magic character `V` disarms it; closing it without, or the process dying,
/// leaves it running, so a hung or killed agent still gets its machine reset.
///
/// A FIFO is accepted as well (a test watchdog: a process on the other end that kills
/// the node when it is not fed); its timeout must then be given, since it cannot be asked.
public final class WatchdogDevice: Watchdog {
    /// The device path.
    public let path: String
    /// The timeout in force.
    public let timeout: Duration
    private let descriptor: Int32

    // <linux/watchdog.h>: _IOWR('W', 6, int), _IOR('W', 7, int), _IOR('W', 5, int).
    private static let setTimeout: UInt = 0xC004_5706
    private static let getTimeout: UInt = 0x8004_5707
    private static let keepAlive: UInt = 0x8004_5705

    /// Opens (arms) the device. For a real device, `timeout` (whole seconds) is set when
    /// given, else the device's own is read; for a FIFO it is required.
    /// - Throws: `AgentsError` (`watchdog`) naming the device and the reason.
    public init(path: String, timeout: Duration?) throws(AgentsError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw AgentsError(.watchdog, "watchdog \(path): \(String(cString: strerror(errno)))")
        }
        let isFIFO = (info.st_mode & S_IFMT) == S_IFIFO
        // A FIFO without a reader would block the open: O_NONBLOCK fails at once instead.
        let fd = open(path, O_WRONLY | O_CLOEXEC | (isFIFO ? O_NONBLOCK : 0))
        guard fd >= 0 else {
            throw AgentsError(.watchdog, "watchdog \(path): cannot open: \(String(cString: strerror(errno)))")
        }
        if isFIFO {
            guard let timeout else {
                close(fd)
                throw AgentsError(.watchdog, "watchdog \(path) is a FIFO: its timeout must be given (--watchdog-timeout)")
            }
            self.timeout = timeout
        } else {
            var seconds: Int32 = 0
            if let timeout {
                seconds = Int32(max(1, timeout.components.seconds))
                guard ioctl(fd, Self.setTimeout, &seconds) == 0 else {
                    let reason = String(cString: strerror(errno))
                    _ = Glibc.write(fd, "V", 1)
                    close(fd)
                    throw AgentsError(.watchdog, "watchdog \(path): cannot set the timeout to \(seconds) s: \(reason)")
                }
            } else if ioctl(fd, Self.getTimeout, &seconds) != 0 || seconds <= 0 {
                let reason = String(cString: strerror(errno))
                _ = Glibc.write(fd, "V", 1)
                close(fd)
                throw AgentsError(.watchdog, "watchdog \(path): cannot read its timeout: \(reason)")
            }
            self.timeout = .seconds(Int64(seconds))
        }
        self.path = path
        self.descriptor = fd
    }

    /// Feeds the device. Returns whether the write went through.
    @discardableResult
    public func feed() -> Bool {
        Glibc.write(descriptor, "1", 1) == 1
    }

    /// Disarms (magic close) and closes the device: only when nothing it guards runs.
    public func disarm() {
        _ = Glibc.write(descriptor, "V", 1)
        close(descriptor)
    }

    /// Closes the device without disarming it: it resets the machine unless reopened and
    /// fed within its timeout.
    public func abandon() {
        close(descriptor)
    }
}
