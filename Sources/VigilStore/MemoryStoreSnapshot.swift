/// What ``MemoryStore`` persists: keys, leases (TTLs only; deadlines restart on load, as
/// etcd extends leases after a restart) and counters. History is not kept: watches from
/// before a restart get `.compacted`.
struct MemoryStoreSnapshot: Codable, Sendable {
    struct LeaseRecord: Codable, Sendable {
        var id: Int64
        var ttlSeconds: Int64
    }

    var format: Int = 1
    var revision: Int64
    var nextLeaseID: Int64
    var kvs: [KeyValue]
    var leases: [LeaseRecord]
}
