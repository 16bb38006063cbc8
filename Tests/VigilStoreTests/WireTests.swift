import Foundation
import Testing
@testable import VigilStore

/// The JSON gateway's quirks and the error mapping, with no sockets.
@Suite struct WireTests {
    @Test func watchLineWithStringIntegersOmittedTypeAndHugeMemberIDs() throws {
        let line = """
            {"result":{"header":{"cluster_id":"14841639068965178418","member_id":"10276657743932975437","revision":"9","raft_term":"2"},\
            "events":[{"kv":{"key":"L2Evaa==","create_revision":"8","mod_revision":"9","version":"2","value":"dg=="}},\
            {"type":"DELETE","kv":{"key":"L2Evag==","mod_revision":"9"},"prev_kv":{"key":"L2Evag==","value":"eA==","lease":"7587869461237155081"}}]}}
            """
        let decoded = try JSONDecoder().decode(EtcdWire.StreamLine<EtcdWire.WatchResponse>.self, from: Data(line.utf8))
        let result = try #require(decoded.result)
        #expect(result.header?.revision?.value == 9)
        #expect(result.created == nil)
        let events = try #require(result.events)
        #expect(events[0].type == nil)
        let kv = try EtcdWire.keyValue(try #require(events[0].kv))
        #expect(kv == KeyValue(key: "/a/i", value: Array("v".utf8), createRevision: 8, modRevision: 9, version: 2, lease: 0))
        #expect(try EtcdWire.keyValue(try #require(events[1].prev_kv)).lease == 7_587_869_461_237_155_081)
    }

    @Test func failedTxnOmitsSucceededAndMissOmitsKvs() throws {
        let txn = try JSONDecoder().decode(
            EtcdWire.TxnResponse.self, from: Data(#"{"header":{"revision":"12"},"responses":[{"response_range":{"header":{"revision":"12"}}}]}"#.utf8))
        #expect(txn.succeeded == nil)
        #expect(txn.responses?.first?.response_range?.kvs == nil)
    }

    @Test func prefixBounds() {
        #expect(KeyRange.prefix("/a/").etcdBounds.rangeEnd == Array("/a0".utf8))
        #expect(KeyRange.prefix("").etcdBounds.key == [0])
        #expect(KeyRange.prefix("").etcdBounds.rangeEnd == [0])
        #expect(KeyRange.key("/a").etcdBounds.rangeEnd == nil)
        #expect(KeyRange.prefix("/a/").contains("/a/b"))
        #expect(!KeyRange.prefix("/a/").contains("/a"))
    }

    @Test(arguments: [
        (503, 14, "etcdserver: no leader", VigilStoreError.Code.unavailable, true),
        (503, 14, "etcdserver: request timed out", .timeout, false),
        (404, 5, "etcdserver: requested lease not found", .leaseNotFound, false),
        (400, 11, "etcdserver: mvcc: required revision has been compacted", .compacted, false),
        (400, 11, "etcdserver: mvcc: required revision is a future revision", .invalidArgument, false),
        (401, 16, "etcdserver: invalid auth token", .auth, false),
        (403, 7, "etcdserver: permission denied", .auth, false),
    ])
    func gatewayErrorsMapToCodes(status: Int, code: Int, message: String, expected: VigilStoreError.Code, retrySafe: Bool) {
        let failure = EtcdStore.classifyAnswer(
            status: .init(statusCode: status), body: .init(error: message, code: code, message: message), endpoint: "http://e", path: "/v3/kv/put")
        #expect(failure.error.code == expected)
        #expect((failure.kind == .notApplied) == retrySafe)
    }

    @Test func endpointsAreValidated() async throws {
        for endpoints in [[], ["127.0.0.1:2379"], ["ftp://x"]] {
            do {
                try await withEtcdStore(EtcdConfiguration(endpoints: endpoints)) { _ in }
                Issue.record("accepted \(endpoints)")
            } catch let error as VigilStoreError {
                #expect(error.code == .invalidConfiguration)
            }
        }
        #expect(try EtcdStore.normalizedEndpoints(["http://127.0.0.1:2379/ "]) == ["http://127.0.0.1:2379"])
    }

    @Test func credentialsNeverPrintThePassword() {
        let credentials = EtcdCredentials(username: "vigil", password: "s3cret")
        #expect(!"\(credentials)".contains("s3cret"))
        #expect(!String(reflecting: EtcdConfiguration(endpoints: ["http://e:1"], credentials: credentials)).contains("s3cret"))
    }

    @Test func tlsFilesAreCheckedWhenTheStoreOpens() async throws {
        let missing = EtcdTLSConfiguration(caFile: "/nonexistent/ca.pem")
        let halfPair = EtcdTLSConfiguration(certificateFile: "/nonexistent/client.pem")
        for tls in [missing, halfPair] {
            do {
                try await withEtcdStore(EtcdConfiguration(endpoints: ["https://127.0.0.1:1"], tls: tls)) { _ in }
                Issue.record("accepted \(tls)")
            } catch let error as VigilStoreError {
                #expect(error.code == .invalidConfiguration)
            }
        }
    }
}
