import Foundation
import VigilCommand

#if canImport(Glibc)
import Glibc
#endif

/// Test hosts in network namespaces made by the test: a bridge in its own namespace,
/// one namespace per host with `eth0` on 198.18.<subnet>.<n>/24, no default route,
/// no forwarding, no NAT. Names include the test process's PID.
struct NetworkLab {
    let prefix: String
    let subnet: Int
    private(set) var hosts: [String: String] = [:]

    var bridgeNamespace: String { "\(prefix)br" }

    init(tag: String, subnet: Int) async throws {
        prefix = "vgl\(getpid())\(tag)"
        self.subnet = subnet
        try await sh(["ip", "netns", "add", bridgeNamespace])
        try await sh(["ip", "-n", bridgeNamespace, "link", "add", "br0", "type", "bridge"])
        try await sh(["ip", "-n", bridgeNamespace, "link", "set", "br0", "up"])
    }

    /// Adds host `name` with address 198.18.<subnet>.<index>; returns its namespace.
    @discardableResult
    mutating func addHost(_ name: String, index: Int) async throws -> String {
        let namespace = "\(prefix)\(name)"
        let port = "v\(index)\(getpid() % 100_000)"
        try await sh(["ip", "netns", "add", namespace])
        hosts[name] = namespace
        try await sh([
            "ip", "link", "add", port, "netns", bridgeNamespace, "type", "veth", "peer", "name", "eth0", "netns", namespace,
        ])
        try await sh(["ip", "-n", bridgeNamespace, "link", "set", port, "master", "br0", "up"])
        try await sh(["ip", "-n", namespace, "link", "set", "lo", "up"])
        try await sh(["ip", "-n", namespace, "addr", "add", "198.18.\(subnet).\(index)/24", "dev", "eth0"])
        try await sh(["ip", "-n", namespace, "link", "set", "eth0", "up"])
        return namespace
    }

    func namespace(_ host: String) -> String { hosts[host] ?? "" }

    /// Deletes every namespace the lab made.
    func destroy() async {
        for namespace in hosts.values.sorted() + [bridgeNamespace] {
            _ = try? await sh(["ip", "netns", "del", namespace])
        }
    }
}
