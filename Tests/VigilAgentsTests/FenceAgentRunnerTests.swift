import Foundation
import Testing
import VigilAgents

@Suite("fence agents")
struct FenceAgentRunnerTests {
    /// A fence agent in the fence-agents convention, written by the test: it logs its
    /// stdin (password masked unless it matches) and keeps power state in a file.
    static let agent = """
        #!/bin/sh
        action=""; plug=""; password=""; statedir=""; log=""; nl='
        '
        while IFS= read -r line; do
          case "$line" in
            action=*) action="${line#action=}" ;;
            plug=*) plug="${line#plug=}" ;;
            password=*) password="${line#password=}" ;;
            statedir=*) statedir="${line#statedir=}" ;;
          esac
          case "$line" in password=*) log="${log}password=<given>${nl}" ;; *) log="${log}${line}${nl}" ;; esac
        done
        printf '%s' "$log" >> "$statedir/stdin.log"
        [ "$password" = "s3cret pass" ] || { echo "login failed"; exit 1; }
        case "$action" in
          off|on) echo "$action" > "$statedir/$plug"; exit 0 ;;
          reboot) echo on > "$statedir/$plug"; exit 0 ;;
          status) s=$(cat "$statedir/$plug" 2>/dev/null || echo on); [ "$s" = on ] && exit 0 || exit 2 ;;
          monitor) exit 0 ;;
          list) echo "n1,n1"; echo "n2,n2"; exit 0 ;;
          *) exit 1 ;;
        esac

        """

    private func setUp() throws -> (TempDir, FenceDeviceSpec) {
        let dir = try TempDir()
        try dir.write("fence_vigiltest", Self.agent, mode: 0o755)
        try dir.write("fence_vigilhang", "#!/bin/sh\ncat >/dev/null\nsleep 300 &\necho $! > \(dir.file("hang.pid"))\nwait\n", mode: 0o755)
        try dir.write("pass", "s3cret pass\n", mode: 0o600)
        let device = FenceDeviceSpec(
            name: "test", agent: "fence_vigiltest", parameters: ["statedir": dir.path, "ip": "198.18.0.250"],
            passwordFile: dir.file("pass"), nodes: ["n1", "n2"], plugs: ["n2": "port-2"], timeout: .seconds(10),
            searchPath: [dir.path])
        return (dir, device)
    }

    @Test("off, status, on, reboot, monitor, list with stdin key=value lines")
    func actions() async throws {
        let (dir, device) = try setUp()
        defer { dir.remove() }
        let runner = FenceAgentRunner()
        #expect(await runner.run(.status, device: device, node: "n1").powerState == .on)
        #expect(await runner.run(.off, device: device, node: "n1").succeeded)
        let status = await runner.run(.status, device: device, node: "n1")
        #expect(status.succeeded && status.powerState == .off && status.exitStatus == 2)
        #expect(await runner.run(.on, device: device, node: "n1").succeeded)
        #expect(await runner.run(.status, device: device, node: "n1").powerState == .on)
        #expect(await runner.run(.reboot, device: device, node: "n2").succeeded)
        #expect(dir.read("port-2") == "on\n")
        #expect(await runner.run(.monitor, device: device).succeeded)
        let list = await runner.run(.list, device: device)
        #expect(list.succeeded && list.output.contains("n2,n2"))
        let log = dir.read("stdin.log") ?? ""
        #expect(log.contains("action=off\nplug=n1\n"))
        #expect(log.contains("ip=198.18.0.250"))
        #expect(log.contains("password=<given>"))
        #expect(!log.contains("s3cret"))
    }

    @Test("uncovered node, bad password, missing agent, password in params")
    func failures() async throws {
        let (dir, device) = try setUp()
        defer { dir.remove() }
        let runner = FenceAgentRunner()
        let uncovered = await runner.run(.off, device: device, node: "n9")
        #expect(!uncovered.succeeded && uncovered.output.contains("does not cover"))
        try dir.write("pass", "wrong\n")
        let badPassword = await runner.run(.off, device: device, node: "n1")
        #expect(!badPassword.succeeded && badPassword.exitStatus == 1)
        var missing = device
        missing.agent = "fence_vigil_missing"
        let notInstalled = await runner.run(.off, device: missing, node: "n1")
        #expect(!notInstalled.succeeded && notInstalled.output.contains("not installed"))
        var leaky = device
        leaky.parameters["password"] = "x"
        #expect(!(await runner.run(.off, device: leaky, node: "n1")).succeeded)
        var shellish = device
        shellish.agent = "fence_x;rm"
        #expect(!shellish.problems.isEmpty)
    }

    @Test("a hanging agent is killed at its timeout with its process group")
    func hang() async throws {
        let (dir, device) = try setUp()
        defer { dir.remove() }
        var hanging = device
        hanging.agent = "fence_vigilhang"
        hanging.timeout = .milliseconds(500)
        let started = ContinuousClock.now
        let result = await FenceAgentRunner().run(.off, device: hanging, node: "n1")
        #expect(result.timedOut && !result.succeeded)
        #expect(ContinuousClock.now - started < .seconds(3))
        let pid = try #require(dir.read("hang.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(await eventually { processIsGone(pid) })
    }

    @Test("fencing tries the devices covering the node in order")
    func fenceInOrder() async throws {
        let (dir, device) = try setUp()
        defer { dir.remove() }
        var broken = device
        broken.name = "broken"
        broken.agent = "fence_vigil_missing"
        let attempts = await FenceAgentRunner().fence("n1", action: .off, devices: [broken, device])
        #expect(attempts.map(\.device) == ["broken", "test"])
        #expect(attempts.last?.succeeded == true)
        #expect(dir.read("n1") == "off\n")
    }

    @Test("Debian's fence_dummy")
    func fenceDummy() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("status", "on")
        let device = FenceDeviceSpec(
            name: "dummy", agent: "fence_dummy", parameters: ["type": "file", "status_file": dir.file("status")],
            nodes: ["n1"], hostArgument: nil, timeout: .seconds(30))
        let runner = FenceAgentRunner()
        #expect(await runner.run(.status, device: device, node: "n1").powerState == .on)
        #expect(await runner.run(.off, device: device, node: "n1").succeeded)
        #expect(dir.read("status") == "off")
        #expect(await runner.run(.status, device: device, node: "n1").powerState == .off)
        #expect(await runner.run(.on, device: device, node: "n1").succeeded)
        #expect(await runner.run(.monitor, device: device).succeeded)
    }
}
