import Foundation
import Testing

/// VigilKit must not link MariaDB Connector/C, rabbitmq-c or the HTTP server: the example
/// service, which links VigilKit alone, holds none of their symbols.
@Suite("VigilKit links only the cluster runtime")
struct VigilKitLinkageTests {
    @Test func theExampleServiceHoldsNoExecutorProbeOrServerCode() throws {
        let binary = Replicas.executable.path
        #expect(FileManager.default.isExecutableFile(atPath: binary), "no \(binary)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nm")
        process.arguments = ["-C", binary]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("VigilKit"), "nm found no VigilKit symbol: the check would prove nothing")
        for module in ["Hummingbird", "VigilHealth", "VigilAgents", "VigilNode.", "mysql_real_connect", "amqp_new_connection"] {
            #expect(!text.contains(module), "leader-job links \(module)")
        }
    }
}
