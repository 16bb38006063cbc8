import Testing
import VigilModel

/// Fence device values reach the fence agent as `key=value` lines on its stdin: a line
/// break or NUL in one would inject lines (issue 10 §4), so validation refuses it, naming
/// the file, line and field.
@Suite("fence device stdin values")
struct FenceDeviceLineTests {
    static let header = "cluster: {name: t}\nnodes: [{name: n1}, {name: n2}]\n"

    func errors(_ body: String) -> [String] {
        do {
            _ = try ConfigDecoder.decode(yaml: Self.header + body, file: "c.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test("plugs with a line break or NUL are refused at their line", arguments: [#"\n"#, #"\r\n"#, #"\r"#, #"\0"#])
    func plugs(escape: String) {
        let found = errors("""
        fence-devices:
          - name: pdu
            agent: fence_apc
            nodes: [n1, n2]
            plugs:
              n1: "port-1\(escape)action=on"
              n2: port-2
        """)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("c.yaml:8:") == true, "\(found)")
        #expect(found.first?.contains("fence-devices[0].plugs.n1: ") == true, "\(found)")
        #expect(found.first?.contains("line break") == true, "\(found)")
    }

    @Test("params values with a line break or NUL, and keys that are not plain names, are refused")
    func params() {
        let found = errors("""
        fence-devices:
          - name: ipmi
            agent: fence_ipmilan
            nodes: [n1]
            params:
              ip: "198.18.0.9\\naction=on"
              username: "admin\\0"
              "lan\\nplus": "1"
              "a=b": c
              ok: fine
        """)
        #expect(found.count == 4, "\(found)")
        #expect(found.contains { $0.hasPrefix("c.yaml:8:") && $0.contains("fence-devices[0].params.ip: ") && $0.contains("line break") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("c.yaml:9:") && $0.contains("fence-devices[0].params.username: ") && $0.contains("NUL") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("c.yaml:10:") && $0.contains("fence-devices[0].params.") && $0.contains("expected a parameter name") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("c.yaml:11:") && $0.contains("fence-devices[0].params.a=b: ") && $0.contains("expected a parameter name") }, "\(found)")
    }

    @Test("ordinary plugs and params are accepted")
    func ordinaryValues() throws {
        let config = try ConfigDecoder.decode(yaml: Self.header + """
        fence-devices:
          - name: pdu
            agent: fence_apc
            nodes: [n1, n2]
            plugs: {n1: "port 1", n2: port-2}
            params: {ip: 198.18.0.9, username: "admin user", lanplus: "1"}
        """, file: "c.yaml")
        #expect(config.fenceDevices.first?.plugs == ["n1": "port 1", "n2": "port-2"])
    }
}
