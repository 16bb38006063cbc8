import Foundation
import Testing
import VigilAgents

/// Everything a fence agent reads is one `key=value` line each: a value holding a line
/// break (LF, CR, CR LF) or a NUL would add lines of the writer's choosing (issue 10 §4),
/// so the runner refuses it and runs nothing.
@Suite("fence agent stdin lines")
struct FenceStdinTests {
    static let injections = ["n1\naction=on", "n1\r\naction=on", "n1\raction=on", "n1\u{0}action=on"]

    /// A device whose agent records that it ran.
    private func setUp() throws -> (TempDir, FenceDeviceSpec) {
        let dir = try TempDir()
        try dir.write("fence_vigilrecord", "#!/bin/sh\ncat > \(dir.file("ran"))\nexit 0\n", mode: 0o755)
        let device = FenceDeviceSpec(
            name: "rec", agent: "fence_vigilrecord", nodes: ["n1", "n2"], timeout: .seconds(10), searchPath: [dir.path])
        return (dir, device)
    }

    @Test("a plug with a line break or NUL is refused; the agent does not run", arguments: injections)
    func plug(value: String) async throws {
        let (dir, device) = try setUp()
        defer { dir.remove() }
        var bad = device
        bad.plugs = ["n1": value]
        #expect(bad.problems.contains { $0.contains("plug for node n1") }, "\(bad.problems)")
        let result = await FenceAgentRunner().run(.off, device: bad, node: "n1")
        #expect(!result.succeeded)
        #expect(result.output.contains("plug"), "\(result.output)")
        #expect(dir.read("ran") == nil, "the agent ran with stdin: \(dir.read("ran") ?? "")")
    }

    @Test("a parameter value with a line break or NUL is refused; the agent does not run", arguments: injections)
    func parameter(value: String) async throws {
        let (dir, device) = try setUp()
        defer { dir.remove() }
        var bad = device
        bad.parameters = ["ip": value]
        let result = await FenceAgentRunner().run(.off, device: bad, node: "n2")
        #expect(!result.succeeded)
        #expect(result.output.contains("'ip'"), "\(result.output)")
        #expect(dir.read("ran") == nil, "the agent ran with stdin: \(dir.read("ran") ?? "")")
    }

    @Test("a node name with a line break, as the default plug, is refused", arguments: injections)
    func nodeName(value: String) async throws {
        let (dir, device) = try setUp()
        defer { dir.remove() }
        var bad = device
        bad.nodes.append(value)
        let result = await FenceAgentRunner().run(.off, device: bad, node: value)
        #expect(!result.succeeded)
        #expect(dir.read("ran") == nil, "the agent ran with stdin: \(dir.read("ran") ?? "")")
    }

    @Test("a host argument (the plug's key) that is not a plain name is refused")
    func hostArgument() async throws {
        let (dir, device) = try setUp()
        defer { dir.remove() }
        for key in ["plug\naction", "port=1", "", "po\rrt"] {
            var bad = device
            bad.hostArgument = key
            #expect(!bad.problems.isEmpty, "host argument \(key.debugDescription) accepted")
            #expect(!(await FenceAgentRunner().run(.off, device: bad, node: "n1")).succeeded)
        }
        #expect(dir.read("ran") == nil, "the agent ran with stdin: \(dir.read("ran") ?? "")")
    }

    @Test("a password file's first line is the password; a CR LF ending is not part of it, a NUL is refused")
    func password() async throws {
        let (dir, device) = try setUp()
        defer { dir.remove() }
        var withPassword = device
        withPassword.passwordFile = dir.file("pass")
        try dir.write("pass", "s3cret\r\naction=on\r\n", mode: 0o600)
        let result = await FenceAgentRunner().run(.off, device: withPassword, node: "n1")
        #expect(result.succeeded, "\(result.output)")
        #expect(dir.read("ran") == "action=off\nplug=n1\npassword=s3cret\n")
        try FileManager.default.removeItem(atPath: dir.file("ran"))
        try dir.write("pass", "s3c\u{0}ret\n", mode: 0o600)
        let refused = await FenceAgentRunner().run(.off, device: withPassword, node: "n1")
        #expect(!refused.succeeded)
        #expect(refused.output.contains("password-file"), "\(refused.output)")
        #expect(!refused.output.contains("s3c"), "the password leaked: \(refused.output)")
        #expect(dir.read("ran") == nil)
    }
}
