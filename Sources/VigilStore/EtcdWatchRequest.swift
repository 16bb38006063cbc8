/// A not-yet-started ``EtcdStore`` watch (what ``WatchStream`` holds before iteration).
struct EtcdWatchRequest: Sendable {
    let store: EtcdStore
    let prefix: String
    let fromRevision: Int64
}
