import Testing
import VigilHealth

@Suite("galera status evaluation")
struct GaleraStatusTests {
    static let synced: [String: String] = [
        "wsrep_ready": "ON", "wsrep_connected": "ON", "wsrep_cluster_status": "Primary", "wsrep_local_state": "4",
        "wsrep_local_state_comment": "Synced", "wsrep_cluster_size": "3",
    ]

    @Test("a synced member of the primary component passes")
    func synced() {
        #expect(GaleraStatus(values: Self.synced).evaluate(acceptDonor: false).passed)
    }

    @Test("rows in any order, mixed-case names, a comment with spaces")
    func rows() {
        let rows: [[String?]] = [
            ["wsrep_local_state_comment", "Joining: receiving State Transfer"], ["WSREP_LOCAL_STATE", "1"],
            ["wsrep_cluster_status", "Primary"], ["wsrep_connected", "ON"], ["wsrep_ready", "OFF"],
        ]
        let result = GaleraStatus(rows: rows).evaluate(acceptDonor: true)
        #expect(!result.passed)
        #expect(result.message.contains("wsrep_local_state=1 (Joining: receiving State Transfer)"))
        #expect(result.message.contains("wsrep_ready=OFF"))
    }

    @Test("donor passes only when accepted")
    func donor() {
        var values = Self.synced
        values["wsrep_local_state"] = "2"
        values["wsrep_local_state_comment"] = "Donor/Desynced"
        #expect(!GaleraStatus(values: values).evaluate(acceptDonor: false).passed)
        #expect(GaleraStatus(values: values).evaluate(acceptDonor: true).passed)
    }

    @Test("non-Primary after losing quorum fails")
    func nonPrimary() {
        var values = Self.synced
        values["wsrep_ready"] = "OFF"
        values["wsrep_cluster_status"] = "non-Primary"
        values["wsrep_local_state"] = "0"
        let result = GaleraStatus(values: values).evaluate(acceptDonor: true)
        #expect(!result.passed)
        #expect(result.message.contains("non-Primary"))
    }

    @Test("a server without wsrep is not a Galera node")
    func notGalera() {
        let result = GaleraStatus(rows: []).evaluate(acceptDonor: false)
        #expect(!result.passed)
        #expect(result.message.contains("wsrep"))
    }
}
