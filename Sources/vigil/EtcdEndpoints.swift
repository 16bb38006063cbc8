import Foundation

/// Where the etcd endpoints come from: `--etcd`, else `VIGIL_ETCD`, else `/etc/vigil/vigil.yaml`.
enum EtcdEndpoints {
    static func resolve(_ option: String?) throws -> [String] {
        if let option, !option.isEmpty { return split(option) }
        if let env = ProcessInfo.processInfo.environment["VIGIL_ETCD"], !env.isEmpty { return split(env) }
        throw CLIError("no etcd endpoints: pass --etcd URLS or set VIGIL_ETCD")
    }

    static func split(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
