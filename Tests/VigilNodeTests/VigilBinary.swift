import Foundation

/// Runs the built `vigil` executable (next to the test bundle in the build directory, as
/// in VigilCLITests) with a deadline, and captures its output.
enum VigilBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `vigil` next to the test bundle, or `$VIGIL_BINARY` (benchmarks run the agents
    /// from a release build: `VIGIL_BINARY=.build/release/vigil`).
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["VIGIL_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path).standardizedFileURL
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("vigil").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("vigil")
    }

    /// Runs `vigil arguments` (no shell); kills it after `timeout` seconds. Output goes to
    /// files in `directory`, so neither pipe can fill up and block the child.
    /// With `launcher`, `vigil` is run through it: `launcher + [vigil] + arguments`.
    static func run(_ arguments: [String], in directory: URL, timeout: TimeInterval = 60, launcher: [String] = []) throws -> Result {
        let id = UUID().uuidString
        let outURL = directory.appendingPathComponent("out-\(id)")
        let errURL = directory.appendingPathComponent("err-\(id)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "VIGIL_ETCD" }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            usleep(10_000)  // waiting for the child to exit, with a deadline
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("vigil \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
