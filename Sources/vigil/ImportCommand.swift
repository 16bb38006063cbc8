import ArgumentParser
import Foundation
import VigilImport

/// `vigil import CIB.xml [-o FILE] [--partial] [--cluster NAME]`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Translate a Pacemaker CIB (cibadmin -Q, or a CIB file) into a Vigil configuration.",
        discussion: """
            Names carry over (a clone is named by the clone's id). What cannot be translated is \
            reported with its element and line, and the output is refused unless --partial; notes \
            say what was translated with a difference. The output passes vigil config validate. \
            See docs/operator-guide.md, "Coming from Pacemaker".
            """)

    @Argument(help: "The CIB (XML).") var cib: String
    @Option(name: [.customShort("o"), .long], help: "Where to write the configuration (default: standard output).") var output: String?
    @Flag(name: .long, help: "Write the configuration even when some of the CIB was not translated.") var partial = false
    @Option(name: .long, help: "The cluster's name (default: the CIB's cluster-name, else 'imported').") var cluster: String?

    func run() throws {
        try reportingErrors {
            let text = try InputFile.read(cib)
            let root: CIBElement
            do {
                root = try CIBParser.parse(text, file: cib)
            } catch let error as VigilImportError {
                throw CLIError(error.message)
            }
            let result = CIBImporter.translate(root, cluster: cluster)
            for problem in result.problems { printError("\(cib):\(problem.description)") }
            if !result.errors.isEmpty && !partial {
                throw CLIError("\(cib): \(result.errors.count) part(s) not translated; nothing written (--partial writes the rest)")
            }
            if let output {
                do {
                    try result.yaml.write(toFile: output, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError("\(output): cannot be written: \(error)")
                }
            } else {
                print(result.yaml, terminator: "")
            }
        }
    }
}
