import VigilCluster
import Synchronization
public import VigilModel
import VigilCommand

/// The agent's ``Redactor``, kept current: the secrets it knows are the contents of every
/// secret file the applied configuration names (and any the agent adds, such as its etcd
/// password). Shared by everything that writes text out of the agent — status and event
/// messages, log lines, the HTTP API's probe descriptions.
public final class RedactionSet: Sendable {
    private let state = Mutex(Redactor())
    private let fixed = Mutex<[String]>([])

    /// Creates an empty set (the patterns apply even without known secrets).
    public init() {}

    /// `text` without secrets, bounded in length.
    public func redact(_ text: String) -> String {
        state.withLock { $0 }.redact(text)
    }

    /// Adds a secret that no configuration names (the etcd password).
    public func add(_ secret: String) {
        let all = fixed.withLock { list in
            list.append(secret)
            return list
        }
        state.withLock { $0 = Redactor(secrets: $0.secrets + all) }
    }

    /// Reads the secret files `config` names and makes their contents the known secrets
    /// (with those added). A file that cannot be read is skipped: whoever needs it reports it.
    public func update(config: ClusterConfig) {
        var secrets = fixed.withLock { $0 }
        for path in Self.secretFiles(config) {
            if let value = try? SecretFile.read(path) { secrets.append(value) }
        }
        state.withLock { $0 = Redactor(secrets: secrets) }
    }

    /// Every secret file a configuration names.
    static func secretFiles(_ config: ClusterConfig) -> Set<String> {
        var files: Set<String> = []
        for resource in config.resources {
            files.formUnion(resource.paramFiles.values)
            if case .process(let params) = resource.params { files.formUnion(params.environmentFiles.values) }
            for probe in resource.health {
                switch probe.check {
                case .http(let check): files.formUnion(check.headerFiles.values)
                case .mysql(let check): if let file = check.endpoint.passwordFile { files.insert(file) }
                case .galera(let check): if let file = check.endpoint.passwordFile { files.insert(file) }
                case .amqp(let check): if let file = check.passwordFile { files.insert(file) }
                case .tcp, .exec: break
                }
            }
        }
        for device in config.fenceDevices {
            if let file = device.passwordFile { files.insert(file) }
        }
        return files
    }
}
