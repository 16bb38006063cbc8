import Foundation
import Testing

/// `vigil import` end to end (issue 15): a CIB with something untranslatable is refused with
/// its file, line and element and nothing is written; with `--partial` the rest is written,
/// and `vigil config validate` accepts it; a clean CIB is written without `--partial`.
@Suite("vigil import")
struct ImportCLITests {
    static let cib = """
        <cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
          <configuration>
            <crm_config>
              <cluster_property_set id="opts">
                <nvpair id="opts-name" name="cluster-name" value="ctl"/>
              </cluster_property_set>
            </crm_config>
            <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
            <resources>
              <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
                <instance_attributes id="vip-ia"><nvpair id="vip-ip" name="ip" value="198.18.0.10"/></instance_attributes>
                <operations><op id="vip-mon" name="monitor" interval="10s" timeout="20s"/></operations>
              </primitive>
            </resources>
            <constraints>
              <rsc_location id="vip-pref" rsc="vip" node="n1" score="100"/>
              TICKET
            </constraints>
          </configuration>
        </cib>
        """

    @Test func refusedWithTheLineThenWrittenWithPartial() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("cib.xml").path
            let output = directory.appendingPathComponent("cluster.yaml").path
            try Self.cib.replacingOccurrences(of: "TICKET", with: #"<rsc_ticket id="t" rsc="vip" ticket="T"/>"#)
                .write(toFile: input, atomically: true, encoding: .utf8)
            let refused = try CLIRunner.run(["import", input, "-o", output])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains(#"\#(input):17: <rsc_ticket id="t">: tickets are not translated"#), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output), "nothing is written")
            let partial = try CLIRunner.run(["import", input, "-o", output, "--partial"])
            #expect(partial.status == 0, "\(partial.stderr)")
            let validated = try CLIRunner.run(["config", "validate", output])
            #expect(validated.status == 0, "\(validated.stderr)")
            let yaml = try String(contentsOfFile: output, encoding: .utf8)
            #expect(yaml.contains(#"name: "ctl""#) && yaml.contains(#"agent: "ocf:heartbeat:IPaddr2""#), "\(yaml)")
            #expect(yaml.contains(#"- location: {resource: "vip", node: "n1", score: 100}"#), "\(yaml)")
        }
    }

    @Test func aCleanCIBIsWrittenToStandardOutput() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("cib.xml").path
            try Self.cib.replacingOccurrences(of: "TICKET", with: "").write(toFile: input, atomically: true, encoding: .utf8)
            let result = try CLIRunner.run(["import", input, "--cluster", "other"])
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
            #expect(result.stdout.contains(#"name: "other""#), "\(result.stdout)")
            let broken = try CLIRunner.run(["import", directory.appendingPathComponent("missing.xml").path])
            #expect(broken.status == 1 && broken.stderr.contains("does not exist"))
        }
    }

    /// `--state-out` then `vigil simulate`: what Vigil would do with the imported cluster now
    /// (a CIB whose status has the VIP on n1, n1 in standby: it moves to n2).
    @Test func theStatusSectionBecomesASimulateState() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("cib.xml").path
            let config = directory.appendingPathComponent("c.yaml").path
            let state = directory.appendingPathComponent("s.yaml").path
            let running = Self.cib.replacingOccurrences(of: "TICKET", with: "")
                .replacingOccurrences(of: #"<cib validate-with"#, with: #"<cib have-quorum="1" validate-with"#)
                .replacingOccurrences(of: "</configuration>", with: """
                    </configuration>
                    <status>
                      <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
                        <transient_attributes id="1"><instance_attributes id="s1">
                          <nvpair id="s1-standby" name="standby" value="on"/>
                          <nvpair id="s1-fc" name="fail-count-vip#monitor_10000" value="2"/>
                        </instance_attributes></transient_attributes>
                        <lrm id="1"><lrm_resources>
                          <lrm_resource id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
                            <lrm_rsc_op id="vip_last_0" operation_key="vip_start_0" operation="start" call-id="5" rc-code="0" op-status="0" interval="0"/>
                          </lrm_resource>
                        </lrm_resources></lrm>
                      </node_state>
                      <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
                    </status>
                    """)
            try running.write(toFile: input, atomically: true, encoding: .utf8)
            let imported = try CLIRunner.run(["import", input, "-o", config, "--state-out", state])
            #expect(imported.status == 0, "\(imported.stderr)")
            let text = try String(contentsOfFile: state, encoding: .utf8)
            #expect(text.contains("n1: {online: true, standby: true}"), "\(text)")
            #expect(text.contains("vip: {n1: started}") && text.contains("vip: {n1: 2}"), "\(text)")
            let simulated = try CLIRunner.run(["simulate", "--config", config, "--state", state, "--json"])
            #expect(simulated.status == 0, "\(simulated.stderr)")
            #expect(simulated.stdout.contains(#""placements": {"vip": ["n2"]}"#), "\(simulated.stdout)")
        }
    }
}
