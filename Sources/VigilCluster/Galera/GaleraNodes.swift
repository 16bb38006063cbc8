public import VigilModel

/// Which nodes a Galera resource runs on (``ClusterNodes``): each needs its own option
/// file, and every one of them may hold the most advanced data, so every one counts when
/// a bootstrap node is chosen.
public enum GaleraNodes {
    /// The Galera nodes of `resource` in `config`, sorted.
    public static func of(_ resource: ResourceConfig, in config: ClusterConfig) -> [String] {
        ClusterNodes.of(resource, in: config)
    }
}
