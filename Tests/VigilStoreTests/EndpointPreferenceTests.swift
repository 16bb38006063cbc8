import Testing
@testable import VigilStore

/// Which member a store talks to first: the given order, or spread by a stable hash with
/// the member on this host first.
@Suite("Endpoint preference")
struct EndpointPreferenceTests {
    static let endpoints = ["http://198.18.0.1:2379", "http://198.18.0.2:2379", "https://[fd00::3]:2379"]

    @Test func givenStartsAtTheFirst() {
        #expect(EndpointPreference.given.startIndex(endpoints: Self.endpoints, localAddresses: ["198.18.0.2"]) == 0)
    }

    @Test func theMemberOnThisHostComesFirst() {
        let spread = EndpointPreference.spread(key: "n7")
        #expect(spread.startIndex(endpoints: Self.endpoints, localAddresses: ["127.0.0.1", "198.18.0.2"]) == 1)
        #expect(spread.startIndex(endpoints: Self.endpoints, localAddresses: ["fd00::3"]) == 2)
    }

    @Test func withoutExactlyOneLocalMemberAgentsSpreadStably() {
        // On one machine (every endpoint local) or with none local: a stable hash of the name.
        let loopback = ["http://127.0.0.1:2379", "http://127.0.0.1:2380", "http://127.0.0.1:2381"]
        var counts = [0, 0, 0]
        for index in 1...30 {
            let key = "node\(index)"
            let start = EndpointPreference.spread(key: key).startIndex(endpoints: loopback, localAddresses: ["127.0.0.1"])
            #expect(start == EndpointPreference.spread(key: key).startIndex(endpoints: loopback, localAddresses: ["127.0.0.1"]))
            #expect(start == EndpointPreference.spread(key: key).startIndex(endpoints: Self.endpoints, localAddresses: []))
            counts[start] += 1
        }
        #expect(counts.allSatisfy { $0 >= 5 }, "30 names spread over 3 members: \(counts)")
    }

    @Test func hostsAreReadFromURLs() {
        #expect(EndpointPreference.host(of: "http://198.18.0.1:2379") == "198.18.0.1")
        #expect(EndpointPreference.host(of: "https://[fd00::3]:2379") == "fd00::3")
        #expect(EndpointPreference.host(of: "http://etcd-1") == "etcd-1")
    }
}
