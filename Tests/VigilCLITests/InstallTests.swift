import Foundation
import Testing

/// `lab/install.sh` (issue 16): the binary, shell completions for bash, zsh and fish, and a
/// man page, the last three generated from the argument parser, into a prefix of the test's
/// own; `vigil --version`.
@Suite("Install: completions, man page, version")
struct InstallTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("lab/install.sh").path

    @Test func installsTheBinaryItsCompletionsAndItsManPage() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let prefix = directory.appendingPathComponent("prefix").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [Self.script, "--prefix", prefix, "--binary", CLIRunner.executable.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(output)")
            #expect(output.contains("installed vigil 0.16.0 in \(prefix)"), "\(output)")

            func read(_ path: String) -> String { (try? String(contentsOfFile: prefix + "/" + path, encoding: .utf8)) ?? "" }
            #expect(FileManager.default.isExecutableFile(atPath: prefix + "/bin/vigil"))
            let bash = read("share/bash-completion/completions/vigil")
            #expect(bash.contains("complete") && bash.contains("explain") && bash.contains("--cluster"), "\(bash.prefix(300))")
            #expect(read("share/zsh/site-functions/_vigil").hasPrefix("#compdef vigil"))
            #expect(read("share/fish/vendor_completions.d/vigil.fish").contains("complete -c 'vigil'"))
            let man = read("share/man/man1/vigil.1")
            #expect(man.hasPrefix(".TH VIGIL 1"), "\(man.prefix(200))")
            #expect(man.contains(".SS vigil explain") && man.contains(".SS vigil config apply") && man.contains("\\fB--json\\fR"), "\(man.prefix(2000))")

            let version = try CLIRunner.run(["--version"])
            #expect(version.status == 0 && version.stdout == "0.16.0\n", "\(version.stdout)")
            let refused = try CLIRunner.run(["--versio"])
            #expect(refused.status != 0)
        }
    }
}
