import Foundation
import VigilAgents

/// OCF action overhead: executor time minus a bare posix_spawn+waitpid of the same script.
enum OCFBenchmark {
    static func run(runs: Int) async throws {
        let dir = NSTemporaryDirectory() + "vigil-ocf-bench-\(getpid())"
        let root = dir + "/ocf"
        try FileManager.default.createDirectory(atPath: root + "/resource.d/bench", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/lib", withDestinationPath: "/usr/lib/ocf/lib")
        try "#!/bin/sh\nexit 0\n".write(toFile: root + "/resource.d/bench/Noop", atomically: true, encoding: .utf8)
        chmod(root + "/resource.d/bench/Noop", 0o755)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, OCFAgentSpec)] = [
            ("ocf:bench:Noop (exit 0)", OCFAgentSpec(instance: "noop", provider: "bench", type: "Noop", ocfRoot: root)),
            ("ocf:heartbeat:Dummy", OCFAgentSpec(instance: "dummy", provider: "heartbeat", type: "Dummy", parameters: ["state": dir + "/dummy.state"])),
        ]
        for (label, spec) in cases {
            let executor = try OCFExecutor(spec: spec, runtimeDirectory: dir + "/run")
            _ = await executor.perform(ActionRequest(.start))
            let environment = [
                "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "OCF_ROOT": spec.ocfRoot, "OCF_RESOURCE_INSTANCE": spec.instance,
                "OCF_RESKEY_state": dir + "/dummy.state", "OCF_RESKEY_CRM_meta_timeout": "20000", "OCF_RESKEY_CRM_meta_interval": "0",
                "HA_SBIN_DIR": dir + "/run/bin",
            ]
            var direct: [Duration] = []
            var viaExecutor: [Duration] = []
            for _ in 0..<10 {  // warm-up
                _ = Spawn.run(spec.agentPath, ["monitor"], environment: environment)
                _ = await executor.perform(ActionRequest(.monitor))
            }
            for _ in 0..<runs {
                direct.append(Spawn.run(spec.agentPath, ["monitor"], environment: environment))
                let started = ContinuousClock.now
                let result = await executor.perform(ActionRequest(.monitor))
                viaExecutor.append(ContinuousClock.now - started)
                if result.code != .success { print("unexpected result \(result.code): \(result.output)") }
            }
            let overhead = viaExecutor.percentile(0.5) - direct.percentile(0.5)
            print(
                """
                \(label): monitor ×\(runs): script alone (posix_spawn+waitpid) median \(String(format: "%.2f", direct.percentile(0.5).milliseconds)) ms; \
                via OCFExecutor median \(String(format: "%.2f", viaExecutor.percentile(0.5).milliseconds)) ms, p90 \(String(format: "%.2f", viaExecutor.percentile(0.9).milliseconds)) ms; \
                overhead median \(String(format: "%.2f", overhead.milliseconds)) ms
                """)
            _ = await executor.perform(ActionRequest(.stop))
        }
    }
}
