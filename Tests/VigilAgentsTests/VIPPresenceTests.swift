import Testing
import VigilAgents

/// The VIP monitor in the agent's own network namespace reads the interface's addresses
/// in-process: with no `ip` to be found it still answers, by address and prefix length.
@Suite("vip: presence read in-process")
struct VIPPresenceTests {
    func monitor(_ ip: String, _ cidr: Int, on interface: String) async -> OCFCode {
        // An empty search path: `ip` cannot be run, so every answer here is in-process.
        let vip = VIPExecutor(spec: VIPSpec(name: "vip", ip: ip, cidr: cidr, interface: interface), searchPath: [])
        return await vip.perform(ActionRequest(.monitor)).code
    }

    @Test func loopbackAddressesByAddressAndPrefix() async {
        #expect(await monitor("127.0.0.1", 8, on: "lo") == .success)
        #expect(await monitor("127.0.0.1", 24, on: "lo") == .notRunning, "another prefix length is another address")
        #expect(await monitor("127.0.0.77", 8, on: "lo") == .notRunning)
        #expect(await monitor("127.0.0.1", 8, on: "vigilnone0") == .notConfigured)
    }
}
