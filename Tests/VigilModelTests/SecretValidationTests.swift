import Testing
import VigilModel

/// Issue 10 §3: secrets never sit in the configuration; each place offers a `*-files` form;
/// and the redactor takes secrets out of text.
@Suite("Secrets in the configuration")
struct SecretValidationTests {
    static func decode(_ resources: String, fence: String = "") throws -> ClusterConfig {
        try ConfigDecoder.decode(yaml: "cluster: {name: t}\nnodes: [{name: n1}, {name: n2}]\nresources:\n\(resources)\(fence)", file: "c.yaml")
    }

    static func errors(_ resources: String, fence: String = "") -> [String] {
        do {
            _ = try ConfigDecoder.decode(
                yaml: "cluster: {name: t}\nnodes: [{name: n1}, {name: n2}]\nresources:\n\(resources)\(fence)", file: "c.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test(arguments: [
        ("  - {name: a, agent: process, params: {command: [/bin/true], env: {DB_PASSWORD: hunter22}}}", "resources[0].params.env.DB_PASSWORD", "env-files"),
        ("  - {name: a, agent: process, params: {command: [/bin/true], env: {API_TOKEN: abc12345}}}", "resources[0].params.env.API_TOKEN", "env-files"),
        ("  - {name: a, agent: process, params: {command: [/bin/true], env: {REMOTE: 'https://u:p@host/'}}}", "resources[0].params.env.REMOTE", "env-files"),
        ("  - {name: a, agent: 'ocf:heartbeat:mysql', params: {replication_passwd: x}}", "resources[0].params.replication_passwd", "param-files"),
        ("  - {name: a, agent: 'ocf:heartbeat:apache', params: {secret_key: x}}", "resources[0].params.secret_key", "param-files"),
        ("  - {name: a, agent: 'ocf:heartbeat:apache', params: {statusurl: 'http://admin:pw@localhost/'}}", "resources[0].params.statusurl", "param-files"),
        (
            "  - {name: a, agent: process, params: {command: [/bin/true]}, health: [{http: {url: 'http://u:pw@127.0.0.1/'}}]}",
            "resources[0].health[0].http.url", "header-files"
        ),
        (
            "  - {name: a, agent: process, params: {command: [/bin/true]}, health: [{http: {url: 'http://127.0.0.1/', headers: {Authorization: 'Basic dTpw'}}}]}",
            "resources[0].health[0].http.headers.Authorization", "header-files"
        ),
        (
            "  - {name: a, agent: process, params: {command: [/bin/true]}, health: [{http: {url: 'http://127.0.0.1/', headers: {X-Api-Key: k}}}]}",
            "resources[0].health[0].http.headers.X-Api-Key", "header-files"
        ),
    ])
    func anInlineSecretIsRefusedWithItsPlaceAndTheFileForm(resources: String, field: String, form: String) {
        let found = Self.errors(resources)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains("c.yaml:4:") == true, "\(found)")
        #expect(found.first?.contains(field) == true, "\(found)")
        #expect(found.first?.contains(form) == true, "\(found)")
    }

    @Test func aFenceDeviceTokenIsRefused() {
        let fence = "\nfence-devices:\n  - {name: ipmi, agent: fence_ipmilan, params: {ip: 10.0.0.1, api_token: t0k3n}, nodes: [n1, n2]}"
        let found = Self.errors("  - {name: a, agent: process, params: {command: [/bin/true]}}", fence: fence)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains("fence-devices[0].params.api_token") == true, "\(found)")
    }

    @Test func theFileFormsAreAcceptedAndOrdinaryValuesStay() throws {
        let config = try Self.decode(
            """
              - name: a
                agent: process
                params: {command: [/bin/true], env: {LANG: C, DB_USER: vigil, PASSWORD_FILE: /etc/x}, env-files: {DB_PASSWORD: /etc/vigil/db}}
                health:
                  - http: {url: 'http://127.0.0.1/', headers: {Accept: text/plain}, header-files: {Authorization: /etc/vigil/token}}
              - name: b
                agent: 'ocf:heartbeat:mysql'
                params: {binary: /usr/bin/mysqld_safe}
                param-files: {replication_passwd: /etc/vigil/repl}
            """)
        guard case .process(let params) = config.resources[0].params else { Issue.record("not a process"); return }
        #expect(params.environmentFiles == ["DB_PASSWORD": "/etc/vigil/db"])
        #expect(params.environment["DB_USER"] == "vigil")
        guard case .http(let check) = config.resources[0].health[0].check else { Issue.record("not http"); return }
        #expect(check.headerFiles == ["Authorization": "/etc/vigil/token"])
        #expect(config.resources[1].paramFiles == ["replication_passwd": "/etc/vigil/repl"])
    }

    @Test func aFileFormNeedsAnAbsolutePathAndFitsItsKind() {
        let relative = Self.errors("  - {name: a, agent: process, params: {command: [/bin/true], env-files: {X: secret.txt}}}")
        #expect(relative.first?.contains("absolute path") == true, "\(relative)")
        let wrongKind = Self.errors("  - {name: a, agent: process, params: {command: [/bin/true]}, param-files: {x: /etc/x}}")
        #expect(wrongKind.first?.contains("param-files") == true, "\(wrongKind)")
    }

    @Test func theRedactorTakesOutKnownSecretsAndSecretLookingValues() {
        let redactor = Redactor(secrets: ["s3cr3t-value", "ab"])
        #expect(redactor.redact("login failed for s3cr3t-value") == "login failed for \(Redactor.mark)")
        // Too short to be told apart from words: not a known secret.
        #expect(redactor.redact("abc") == "abc")
        #expect(redactor.redact("connecting with password=hunter22 now") == "connecting with password=\(Redactor.mark) now")
        #expect(redactor.redact("DB_PASSWD: 'x y z'") == "DB_PASSWD: \(Redactor.mark)")
        #expect(redactor.redact("Authorization: Bearer abc.def") == "Authorization: Bearer \(Redactor.mark)")
        #expect(redactor.redact("mysql://root:pw@127.0.0.1:3306/") == "mysql://\(Redactor.mark)@127.0.0.1:3306/")
        #expect(redactor.redact("web: started") == "web: started")
        let long = String(repeating: "x", count: 10_000)
        #expect(redactor.redact(long).utf8.count < Redactor.maximumLength + 32)
    }

    @Test(arguments: [
        ("DB_PASSWORD", true), ("passwd", true), ("api-key", true), ("X-Auth-Token", true), ("Cookie", true),
        ("password-file", false), ("PASSWORD_FILE", false), ("db_user", false), ("LANG", false), ("statusurl", false),
    ])
    func secretNames(name: String, secret: Bool) {
        #expect(SecretShape.isSecretName(name) == secret)
    }
}
