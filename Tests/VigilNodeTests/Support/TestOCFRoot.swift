import Foundation

/// An OCF root for tests: `resource.d/vigiltest` is the repository's lab/test-agents/vigiltest
/// (ocf:vigiltest:Stubborn), and `lib` the system's OCF library.
enum TestOCFRoot {
    /// The repository's lab/.
    static var labDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("lab").path
    }

    /// The repository's lab/test-agents/vigiltest.
    static var agents: String { labDirectory + "/test-agents/vigiltest" }

    /// Makes the root inside `directory` and returns its path.
    static func make(in directory: URL) throws -> String {
        let root = directory.appendingPathComponent("ocf")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("resource.d"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.path + "/resource.d/vigiltest", withDestinationPath: agents)
        try FileManager.default.createSymbolicLink(atPath: root.path + "/lib", withDestinationPath: "/usr/lib/ocf/lib")
        return root.path
    }
}
