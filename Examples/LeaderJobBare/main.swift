// The leader-job example without VigilKit, for comparing memory: the same job loop and
// fenced store, one fixed token, no cluster. `leader-job-bare --store DIR [--interval-ms N]`.
import Foundation
import LeaderJobStore

let options = try ExampleOptions(Array(CommandLine.arguments.dropFirst()))
let store = try FencedStore(directory: URL(fileURLWithPath: options.string("store", "leader-job-results")))
let interval = try options.milliseconds("interval-ms", 1000)
FileHandle.standardOutput.write(Data("leading token=1 at=\(monotonicNanoseconds())\n".utf8))
while true {
    try store.write("bare: the job ran", token: 1)
    try await Task.sleep(for: interval)
}
