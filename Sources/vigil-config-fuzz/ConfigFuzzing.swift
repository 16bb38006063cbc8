import VigilModel

/// What the fuzzer checks for one input: the configuration and state decoders return a
/// value or an error for any bytes (never trap, never hang), and whatever validates holds
/// every documented limit (a broken limit traps here, which libFuzzer reports as a crash).
enum ConfigFuzzing {
    /// A small valid configuration to decode states against.
    static let stateConfig: ClusterConfig? = try? ConfigDecoder.decode(
        yaml: """
            cluster: {name: f}
            nodes: [{name: n1}, {name: n2}]
            resources:
              - {name: web, agent: process, params: {command: [/bin/true]}}
              - {name: st, agent: "ocf:pacemaker:Stateful", promotable: {}}
            """, file: "fuzz-config.yaml")

    static func check(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let config = try? ConfigDecoder.decode(yaml: text, file: "fuzz.yaml") {
            checkLimits(config)
            _ = ConfigWarnings.warnings(for: config)
            _ = try? StateDecoder.decode(yaml: text, file: "fuzz.yaml", config: config)
        }
        if let stateConfig {
            _ = try? StateDecoder.decode(yaml: text, file: "fuzz-state.yaml", config: stateConfig)
        }
    }

    static func checkLimits(_ config: ClusterConfig) {
        let limits = InputLimits.Durations.self
        precondition(limits.nodeLoss.contains(config.cluster.nodeLossTimeout), "node-loss-timeout out of range")
        for resource in config.resources {
            precondition(limits.interval.contains(resource.monitor.interval), "\(resource.name): monitor interval out of range")
            precondition(limits.timeout.contains(resource.monitor.timeout), "\(resource.name): monitor timeout out of range")
            if let stop = resource.stopTimeout { precondition(limits.timeout.contains(stop), "\(resource.name): stop-timeout out of range") }
            if let expiry = resource.failureTimeout {
                precondition(limits.failureExpiry.contains(expiry), "\(resource.name): failure-timeout out of range")
            }
            for probe in resource.health {
                precondition(limits.interval.contains(probe.interval), "\(resource.name): probe interval out of range")
                precondition(limits.timeout.contains(probe.timeout), "\(resource.name): probe timeout out of range")
            }
            if case .ocf = resource.agent, case .other(let params) = resource.params {
                for name in params.keys {
                    precondition(InputLimits.isOCFParameterName(name), "\(resource.name): OCF parameter '\(name)' passed validation")
                }
            }
        }
        for device in config.fenceDevices {
            precondition(limits.fence.contains(device.timeout), "\(device.name): fence timeout out of range")
        }
    }
}
