import VigilCluster
/// The last rendered `/v1/status` answer, served again while it is younger than its
/// lifetime; concurrent requests for a stale one wait for a single render (a flood of
/// status requests costs one render per lifetime, not one per request).
actor RenderedStatusCache {
    /// A rendered answer: status code and body.
    struct Rendered: Sendable {
        var status: Int
        var body: [UInt8]
    }

    private let lifetime: Duration
    private let clock = ContinuousClock()
    private var last: (rendered: Rendered, at: ContinuousClock.Instant)?
    private var rendering: Task<Rendered, Never>?

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    /// The cached answer if fresh, else the one `render` makes (shared by every caller
    /// that asks meanwhile).
    func answer(render: @escaping @Sendable () async -> Rendered) async -> Rendered {
        if let last, clock.now - last.at < lifetime { return last.rendered }
        if let rendering { return await rendering.value }
        let task = Task { await render() }
        rendering = task
        let rendered = await task.value
        last = (rendered, clock.now)
        rendering = nil
        return rendered
    }
}
