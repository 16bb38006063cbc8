import ArgumentParser
import VigilCommand
import Foundation
import Logging
import VigilModel
import VigilNode
import VigilCluster
import VigilStore
import Yams

/// How to reach the cluster: shared by every command that talks to etcd.
///
/// Endpoints come from `--etcd`, else `VIGIL_ETCD`, else `etcd:` in the client file
/// (`/etc/vigil/vigil.yaml`). The cluster (keyspace `/vigil/<cluster>/`) is `--cluster`,
/// else `cluster:` in the client file, else `default`.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "etcd client URLs, comma-separated (http(s)://host:port). Default: $VIGIL_ETCD, else /etc/vigil/vigil.yaml.")
    var etcd: String?

    @Option(name: .long, help: "The cluster's name: its keys live under /vigil/<NAME>/. Default: 'cluster' in vigil.yaml, else 'default'.")
    var cluster: String?

    @Option(name: .customLong("client-config"), help: "The client file with etcd endpoints, TLS and auth.")
    var clientConfig: String = "/etc/vigil/vigil.yaml"

    @Flag(name: .long, help: "Allow etcd credentials over plain http:// to a non-loopback address (refused otherwise).")
    var insecure = false

    /// The settings of the client file, when it exists.
    struct ClientFile {
        var etcd: [String] = []
        var cluster: String?
        var caFile: String?
        var certFile: String?
        var keyFile: String?
        var user: String?
        var passwordFile: String?
    }

    func clientFile(required: Bool) throws -> ClientFile? {
        guard FileManager.default.fileExists(atPath: clientConfig) else {
            if required { throw CLIError("\(clientConfig): the file does not exist") }
            return nil
        }
        let text = try InputFile.read(clientConfig)
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw CLIError("\(clientConfig): not valid YAML: \(error)")
        }
        guard let mapping = node?.mapping else {
            throw CLIError("\(clientConfig): expected a mapping with 'etcd: [URLS]'")
        }
        var file = ClientFile()
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            switch key {
            case "etcd":
                if let list = value.sequence {
                    file.etcd = list.compactMap(\.string)
                } else if let single = value.string {
                    file.etcd = single.split(separator: ",").map(String.init)
                }
            case "cluster": file.cluster = value.string
            case "ca-file": file.caFile = value.string
            case "cert-file": file.certFile = value.string
            case "key-file": file.keyFile = value.string
            case "user": file.user = value.string
            case "password-file": file.passwordFile = value.string
            default:
                throw CLIError("\(clientConfig): line \(keyNode.mark?.line ?? 0): unknown key '\(key)' (expected etcd, cluster, ca-file, cert-file, key-file, user, password-file)")
            }
        }
        return file
    }

    /// Whether a credential sent to `endpoint` crosses a network unencrypted: `http://` to
    /// an address other than loopback.
    static func sendsInTheClear(_ endpoint: String) -> Bool {
        guard endpoint.lowercased().hasPrefix("http://") else { return false }
        let authority = endpoint.dropFirst(7).prefix { $0 != "/" }
        var host = String(authority)
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return !(host == "localhost" || host == "::1" || host.hasPrefix("127."))
    }

    static func split(_ urls: String) -> [String] {
        urls.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The etcd configuration, the endpoints as given, and the cluster name.
    func resolve(defaultCluster: String? = nil) throws -> (EtcdConfiguration, String, String) {
        let environment = ProcessInfo.processInfo.environment
        let flagOrEnv = etcd ?? environment["VIGIL_ETCD"].flatMap { $0.isEmpty ? nil : $0 }
        let file = try clientFile(required: false)
        let endpoints = flagOrEnv.map(Self.split) ?? file?.etcd ?? []
        guard !endpoints.isEmpty else {
            let where_ = FileManager.default.fileExists(atPath: clientConfig) ? "list them under 'etcd:' in" : "create"
            throw CLIError("no etcd endpoints: give --etcd URLS, set VIGIL_ETCD, or \(where_) \(clientConfig) (etcd: [URLS])")
        }
        var configuration = EtcdConfiguration(endpoints: endpoints)
        if let file, file.caFile != nil || file.certFile != nil || file.keyFile != nil {
            configuration.tls = EtcdTLSConfiguration(caFile: file.caFile, certificateFile: file.certFile, keyFile: file.keyFile)
        }
        if let file, let user = file.user {
            guard let passwordFile = file.passwordFile else {
                throw CLIError("\(clientConfig): 'user' needs 'password-file'")
            }
            let password: String
            do {
                password = try SecretFile.read(passwordFile)
            } catch {
                throw CLIError("\(clientConfig): password-file: \(error.message)")
            }
            configuration.credentials = EtcdCredentials(username: user, password: password)
            if !insecure, let exposed = endpoints.first(where: Self.sendsInTheClear) {
                throw CLIError(
                    "\(clientConfig): refusing to send the etcd password in the clear to \(exposed): use https:// (ca-file, cert-file) or give --insecure")
            }
        }
        let name = cluster ?? defaultCluster ?? file?.cluster ?? "default"
        guard !name.isEmpty, !name.contains("/") else {
            throw CLIError("invalid cluster name '\(name)': it must be non-empty and contain no '/'")
        }
        return (configuration, endpoints.joined(separator: ","), name)
    }

    /// Where the cluster name comes from, in words (for a message about it).
    func clusterSource() throws -> String {
        if cluster != nil { return "from --cluster" }
        if let named = try clientFile(required: false)?.cluster { return "cluster: \(named) in \(clientConfig)" }
        return "the default: no --cluster, and no cluster: in \(clientConfig)"
    }

    /// Runs `body` with a client of the cluster, mapping every error to one line on
    /// standard error and exit status 1.
    func withClient<T: Sendable>(
        defaultCluster: String? = nil, _ body: (ClusterClient) async throws -> T
    ) async throws -> T {
        let (configuration, urls, name) = try reportingErrors { try resolve(defaultCluster: defaultCluster) }
        do {
            return try await withEtcdStore(configuration, logger: Logger(label: "vigil.store", factory: { _ in SwiftLogNoOpLogHandler() })) { store in
                let client = ClusterClient(store: store, keyspace: Keyspace(cluster: name), actor: Self.actor)
                return try await body(client)
            }
        } catch let error as VigilStoreError {
            if error.code == .unavailable {
                printError("cannot reach etcd at \(urls): \(error.message)")
            } else if error.code == .timeout {
                printError("cannot reach etcd at \(urls) in time (a write may still have been applied; check 'vigil events'): \(error.message)")
            } else {
                printError("etcd at \(urls): \(error.message)")
            }
            throw ExitCodeError.invalidInput
        } catch let error as VigilClusterError {
            printError(error.message)
            throw ExitCodeError.invalidInput
        } catch let error as VigilModelError {
            printError(error.message)
            throw ExitCodeError.invalidInput
        }
    }

    /// `user@host`.
    static var actor: String {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }
}

