import Foundation

/// Runs a command line tool to completion (polling, with a deadline) and returns its
/// output; throws when it fails.
@discardableResult
func runTool(_ path: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tool-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    do {
        try await eventually("\(path) to finish", timeout: timeout, every: .milliseconds(10)) { !process.isRunning }
    } catch {
        kill(process.processIdentifier, SIGKILL)
        throw error
    }
    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    guard process.terminationStatus == 0 else {
        throw TestFailure("\(path) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
    }
    return text
}
