import Glibc
import Logging

/// The process's open-file limit. systemd starts services with a soft limit of 1024; the
/// agent's HTTP API alone may hold thousands of connections, and running out of descriptors
/// would break its etcd connections — its lease — first.
enum DescriptorLimit {
    /// Raises the soft limit to at least `needed` (or to the hard limit, if lower; logged).
    static func raise(toAtLeast needed: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = rlim_t(needed)
        guard limit.rlim_cur < wanted else { return }
        let target = min(wanted, limit.rlim_max)
        var raised = limit
        raised.rlim_cur = target
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) != 0 || target < wanted {
            logger.warning(
                "open-file limit below what the HTTP API's connection cap needs: lower --http-max-connections or raise LimitNOFILE",
                metadata: ["soft": "\(target)", "needed": "\(needed)"])
        }
    }
}
