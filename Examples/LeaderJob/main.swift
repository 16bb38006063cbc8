// A replicated service on VigilKit: run three of these; exactly one — the leader — does
// the periodic job (a one-line summary of the cluster) and writes it, with its fencing
// token, to a store that refuses stale tokens. The other two stand by, campaigning.
//
//   leader-job --etcd http://127.0.0.1:2379 --cluster ctl --identity r1 --store /tmp/results
//              [--ttl-ms 2000] [--interval-ms 1000]
//
// SIGTERM or SIGINT ends it gracefully: the leader's job is cancelled, it resigns, and a
// standby takes over at once. Lines on stdout (for people and for the tests):
//   leading token=T at=NS | stopped token=T at=NS reason=R | wrote token=T at=NS | refused token=T at=NS
import Foundation
import LeaderJobStore
import VigilKit

#if canImport(Glibc)
import Glibc
#endif

/// One line on stdout, written at once (no buffering between the replicas and the tests).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let options: ExampleOptions
do {
    options = try ExampleOptions(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("leader-job: \(error)\n".utf8))
    exit(64)
}

let service = Task {
    let store = try FencedStore(directory: URL(fileURLWithPath: options.string("store", "leader-job-results")))
    let ttl = try options.milliseconds("ttl-ms", 2000)
    let interval = try options.milliseconds("interval-ms", 1000)
    try await withVigil(
        etcd: options.string("etcd", "http://127.0.0.1:2379").split(separator: ",").map(String.init),
        cluster: options.string("cluster", "default"), identity: options.string("identity", Vigil.defaultIdentity)
    ) { vigil in
        say("standby identity=\(vigil.identity) at=\(monotonicNanoseconds())")
        while !Task.isCancelled {
            do {
                try await vigil.withLeadership("leader-job", ttl: ttl) { token in
                    say("leading token=\(token.revision) at=\(monotonicNanoseconds())")
                    do {
                        while true {
                            let status = try await vigil.status()
                            let online = status.nodes.values.filter(\.online).count
                            let line = "\(vigil.identity): \(online) of \(status.nodes.count) nodes online, coordinator \(status.coordinator ?? "none")"
                            do {
                                try store.write(line, token: token.revision)
                                say("wrote token=\(token.revision) at=\(monotonicNanoseconds())")
                            } catch let stale as FencedStore.Stale {
                                say("refused token=\(token.revision) at=\(monotonicNanoseconds()) \(stale)")
                            }
                            try await Task.sleep(for: interval)
                        }
                    } catch {
                        say("stopped token=\(token.revision) at=\(monotonicNanoseconds()) reason=\(error is CancellationError ? "cancelled" : "\(error)")")
                        throw error
                    }
                }
            } catch let error as VigilKitError where error.code == .leadershipLost {
                say("lost at=\(monotonicNanoseconds()) \(error)")
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                say("error at=\(monotonicNanoseconds()) \(error)")
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
    say("exiting at=\(monotonicNanoseconds())")
}

signal(SIGTERM, SIG_IGN)
signal(SIGINT, SIG_IGN)
let signals = [SIGTERM, SIGINT].map { number in
    let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
    source.setEventHandler { service.cancel() }
    source.resume()
    return source
}

let ended = Task {
    let result = await service.result
    if case .failure(let error) = result, !(error is CancellationError) {
        FileHandle.standardError.write(Data("leader-job: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
dispatchMain()
