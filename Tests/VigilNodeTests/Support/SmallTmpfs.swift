import Foundation

/// A tmpfs of a few KiB mounted on a fresh temporary directory, to make a disk fill up.
/// Needs root; `withSmallTmpfs` unmounts it and removes the directory on every path.
struct SmallTmpfs {
    let path: String

    /// Fills the file system with a filler file until a write fails (ENOSPC).
    func fill() throws {
        let filler = path + "/filler"
        guard FileManager.default.createFile(atPath: filler, contents: nil), let handle = FileHandle(forWritingAtPath: filler) else {
            throw TestFailure("cannot create \(filler)")
        }
        defer { try? handle.close() }
        let chunk = Data(repeating: 0x2e, count: 1024)
        for _ in 0..<100_000 {
            do { try handle.write(contentsOf: chunk) } catch { return }
        }
        throw TestFailure("\(path) never filled up")
    }

    /// Frees what ``fill()`` took.
    func free() throws {
        try FileManager.default.removeItem(atPath: path + "/filler")
    }
}

/// Runs `body` with a tmpfs of `kibibytes` KiB; unmounts and removes it afterwards, whatever happens.
func withSmallTmpfs<T>(kibibytes: Int = 64, _ body: (SmallTmpfs) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tmpfs-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try runMountTool("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=\(kibibytes)k,mode=0700", "tmpfs", directory])
    do {
        let result = try await body(SmallTmpfs(path: directory))
        try runMountTool("/usr/bin/umount", [directory])
        return result
    } catch {
        try? runMountTool("/usr/bin/umount", [directory])
        throw error
    }
}

/// Runs a tool (no shell) and throws when it fails.
private func runMountTool(_ executable: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
    }
}
