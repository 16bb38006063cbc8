import Testing
import VigilAgents

@Suite("OCF meta-data parsing")
struct OCFMetadataTests {
    static let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
        <resource-agent name="Example" version="1.0">
          <version>1.1</version>
          <parameters>
            <parameter name="ip" unique="1" required="1">
              <shortdesc lang="en">IPv4 or IPv6 address</shortdesc>
              <content type="string" />
            </parameter>
            <parameter name="cidr_netmask">
              <shortdesc lang="en">Netmask</shortdesc>
              <content type="integer" default="24"/>
            </parameter>
          </parameters>
          <actions>
            <action name="start" timeout="20s" />
            <action name="monitor" timeout="20s" interval="10s" depth="0" />
            <action name="monitor" timeout="20s" interval="5s" role="Promoted" />
          </actions>
        </resource-agent>
        """

    @Test("parameters with required/unique/type/default, actions once each")
    func parse() throws {
        let metadata = try OCFMetadata(xml: Self.xml)
        #expect(metadata.name == "Example")
        #expect(metadata.parameters == [
            OCFParameter(name: "ip", required: true, unique: true, type: "string", shortDescription: "IPv4 or IPv6 address"),
            OCFParameter(name: "cidr_netmask", type: "integer", defaultValue: "24", shortDescription: "Netmask"),
        ])
        #expect(metadata.actions == ["start", "monitor"])
        #expect(metadata.problems(with: ["cidr_netmask": "16"], resource: "vip") == [
            "vip: agent Example requires parameter 'ip' (IPv4 or IPv6 address)"
        ])
        #expect(metadata.problems(with: ["ip": ""], resource: "vip").count == 1)
        #expect(metadata.problems(with: ["ip": "198.18.0.1"], resource: "vip").isEmpty)
    }

    @Test("not meta-data", arguments: ["", "hello", "<resource-agent name='x'>", "<other/>"])
    func rejects(text: String) {
        #expect(throws: AgentsError.self) { try OCFMetadata(xml: text) }
    }

    @Test("CLI action names")
    func actionNames() {
        #expect(AgentAction(cliName: "validate") == .validate)
        #expect(AgentAction(cliName: "validate-all") == .validate)
        #expect(AgentAction(cliName: "meta-data") == .metaData)
        #expect(AgentAction(cliName: "reload") == nil)
        #expect(OCFCode(exitStatus: 8) == .runningPromoted)
        #expect(OCFCode(exitStatus: 42) == .genericError)
    }
}
