import Dispatch
import Foundation

/// POSIX signals as an async stream (the default action is disabled while it lives).
struct SignalStream {
    let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    static func make(_ signals: [Int32]) -> SignalStream {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "vigil.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        return SignalStream(stream: stream, sources: sources)
    }

    private init(stream: AsyncStream<Int32>, sources: [any DispatchSourceSignal]) {
        self.stream = stream
        self.sources = sources
    }

    /// Stops listening.
    func cancel() {
        for source in sources { source.cancel() }
    }
}
