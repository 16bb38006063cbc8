/// A not-yet-started ``EtcdStore`` watch (what ``WatchStream`` holds before iteration).
struct EtcdWatchRequest: Sendable {
    let store: EtcdStore
    let prefix: String
    let fromRevision: Int64
    /// Whether events carry the key's previous value (etcd's `prev_kv`).
    var previousValues = true
}
