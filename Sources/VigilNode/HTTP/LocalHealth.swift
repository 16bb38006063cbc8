import VigilCluster
/// How the local instance of one resource fares, as `GET /health/<resource>` reports it.
///
/// Only ``healthy`` answers `200`; ``unknownResource`` answers `404`; the others `503`.
public enum LocalHealth: Sendable, Hashable {
    /// The resource runs on this node and every probe is up: it should take traffic.
    case healthy
    /// The resource runs (or was meant to) on this node but is not fit for traffic: a
    /// probe is down, or the instance failed. The reason is for people (one line).
    case unhealthy(String)
    /// The resource is configured but does not run on this node.
    case notRunning
    /// No resource of that name is configured.
    case unknownResource
}
