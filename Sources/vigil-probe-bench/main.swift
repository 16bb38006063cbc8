// vigil-probe-bench: throughput of health probes and overhead of OCF actions.
//
//   vigil-probe-bench probes [TCP] [HTTP] [SECONDS]   (run under `taskset -c 0`)
//   vigil-probe-bench ocf [RUNS]
//   vigil-probe-bench serve TCP_PORT HTTP_PORT         (started by `probes`)
import Foundation

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "serve":
    let ports = arguments.dropFirst().compactMap { Int($0) }
    guard ports.count == 2 else {
        FileHandle.standardError.write(Data("usage: vigil-probe-bench serve TCP_PORT HTTP_PORT\n".utf8))
        exit(2)
    }
    try await BenchServer.run(tcpPort: ports[0], httpPort: ports[1])
case "probes":
    let numbers = arguments.dropFirst().compactMap { Int($0) }
    try await ProbeBenchmark.run(
        tcp: numbers.count > 0 ? numbers[0] : 500, http: numbers.count > 1 ? numbers[1] : 500,
        seconds: numbers.count > 2 ? numbers[2] : 20, interval: .seconds(1))
case "ocf":
    let runs = arguments.dropFirst().first.flatMap { Int($0) } ?? 300
    try await OCFBenchmark.run(runs: runs)
default:
    FileHandle.standardError.write(Data("usage: vigil-probe-bench probes [TCP HTTP SECONDS] | ocf [RUNS]\n".utf8))
    exit(2)
}
