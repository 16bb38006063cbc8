#if canImport(Glibc)
import Glibc
#endif

/// The IP addresses of this host's interfaces (to recognise the etcd member on this host).
enum LocalAddresses {
    /// Every IPv4 and IPv6 address of every interface, as text; empty when they cannot be read.
    static func current() -> Set<String> {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0, let list = first else { return [] }
        defer { freeifaddrs(list) }
        var result: Set<String> = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = list
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            if getnameinfo(address, length, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 {
                let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                // Link-local IPv6 addresses carry a zone ("%eth0"): drop it.
                result.insert(String(host.split(separator: "%").first ?? Substring(host)))
            }
        }
        return result
    }
}
