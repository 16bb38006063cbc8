/// One element of a watch.
public enum WatchUpdate: Hashable, Sendable {
    /// Changes in revision order; `revision` is the store revision when they were sent.
    case events([WatchEvent], revision: Int64)
    /// The requested start revision was compacted: changes were lost. This is the last
    /// element of the watch; re-read with a range and watch again from its revision + 1.
    case compacted(compactRevision: Int64)
}
