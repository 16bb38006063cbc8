#if canImport(Glibc)
import Glibc
#endif

/// Whether an address is on an interface of this process's network namespace, read
/// in-process (`getifaddrs`, the kernel's netlink dump) instead of spawning `ip`.
///
/// Why: the VIP's monitor runs every second on the node that holds it; spawning `ip` for
/// it cost a fork and exec, a process reaped, and the subprocess machinery's wake-ups —
/// most of an idle holder's CPU above a plain agent's. Used only when the address lives in
/// the agent's own namespace (a `namespace` parameter still goes through `ip -n`).
enum InterfaceAddresses {
    /// What the lookup found.
    enum Lookup: Equatable {
        /// The address with that prefix length is on the interface.
        case present
        /// The interface exists without that address.
        case absent
        /// No interface of that name.
        case noInterface
        /// The addresses could not be read (errno's description).
        case unreadable(String)
    }

    /// Looks `ip`/`prefixLength` up on `interface` (IPv4 labels `interface:…` count as the
    /// interface, as `ip addr show dev` lists them).
    static func lookup(ip: String, prefixLength: Int, interface: String, ipv6: Bool) -> Lookup {
        guard if_nametoindex(interface) != 0 else { return .noInterface }
        let family = ipv6 ? AF_INET6 : AF_INET
        var wanted = [UInt8](repeating: 0, count: 16)
        guard inet_pton(family, ip, &wanted) == 1 else { return .absent }
        let length = ipv6 ? 16 : 4
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return .unreadable(String(cString: strerror(errno))) }
        defer { freeifaddrs(list) }
        var entry = list
        while let current = entry {
            defer { entry = current.pointee.ifa_next }
            let name = String(cString: current.pointee.ifa_name)
            guard name == interface || name.hasPrefix(interface + ":"),
                let address = current.pointee.ifa_addr, Int32(address.pointee.sa_family) == family
            else { continue }
            let bytes = Self.bytes(of: address, ipv6: ipv6)
            guard bytes.count == length, Array(wanted.prefix(length)) == bytes else { continue }
            let mask = current.pointee.ifa_netmask.map { Self.bytes(of: $0, ipv6: ipv6) } ?? []
            if mask.reduce(0, { $0 + $1.nonzeroBitCount }) == prefixLength { return .present }
        }
        return .absent
    }

    private static func bytes(of address: UnsafeMutablePointer<sockaddr>, ipv6: Bool) -> [UInt8] {
        if ipv6 {
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
        }
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
            withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
        }
    }
}
