import Foundation

/// A lab made by `lab/vlab` (hosts in network, PID, mount and UTS namespaces on a bridge
/// of their own; see docs/lab.md) for one test: ``with(hosts:_:)`` brings it up with the
/// test build's `vigil` and always takes it down, whatever the body did.
struct VirtualLab: Sendable {
    let name: String
    let directory: String

    static var script: String { TestOCFRoot.labDirectory + "/vlab" }

    /// Runs `body` with an `N`-host lab, then `vlab down`, and checks that nothing the lab
    /// made is left: its namespaces and its state directory.
    static func with<T: Sendable>(hosts: Int, _ body: (VirtualLab) async throws -> T) async throws -> T {
        let name = "t\(getpid() % 10_000)x\(UInt16.random(in: 0...UInt16.max))"
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-labs").path
        let lab = VirtualLab(name: name, directory: root + "/" + name)
        do {
            try lab.run(["up", String(hosts), "--vigil", AgentNodes.vigil.path], timeout: 180)
            let result = try await body(lab)
            try lab.down()
            return result
        } catch {
            let logs = lab.logTails()
            try? lab.down()
            throw TestFailure("\(error)\n\(logs)")
        }
    }

    /// `vlab --lab NAME ARGS`; its output, or a failure with its output.
    @discardableResult
    func run(_ arguments: [String], timeout: TimeInterval = 600) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.script, "--lab", name] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["VIGIL_LAB_DIR"] = (directory as NSString).deletingLastPathComponent
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        let data = reader.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw TestFailure("vlab \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(text.suffix(4000))")
        }
        return text
    }

    /// Removes the lab and checks that none of its namespaces and nothing of its directory
    /// is left.
    func down() throws {
        try run(["down"])
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []).filter { $0.hasPrefix("vl-\(name)-") }
        guard left.isEmpty else { throw TestFailure("vlab down left namespaces: \(left)") }
        guard !FileManager.default.fileExists(atPath: directory) else { throw TestFailure("vlab down left \(directory)") }
    }

    /// One benchmark case, `trials` times: the results as JSON.
    func bench(_ testCase: String, trials: Int = 1) throws -> [String: Any] {
        let file = directory + "-\(testCase).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try run(["bench", testCase, "--trials", String(trials), "--json", file])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestFailure("vlab bench \(testCase): not a JSON object: \(text)")
        }
        return object
    }

    /// The last lines of every host's agent log and console (for failure messages).
    func logTails(lines: Int = 20) -> String {
        let hosts = ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/hosts")) ?? []).sorted()
        return hosts.map { host in
            let agent = (try? String(contentsOfFile: "\(directory)/hosts/\(host)/agent.log", encoding: .utf8)) ?? ""
            let console = (try? String(contentsOfFile: "\(directory)/hosts/\(host)/console.log", encoding: .utf8)) ?? ""
            return "--- \(host)\n" + console.split(separator: "\n").suffix(5).joined(separator: "\n") + "\n"
                + agent.split(separator: "\n").suffix(lines).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
