import ArgumentParser
import Foundation
import VigilImport
import VigilModel

/// `vigil import CIB.xml [-o FILE] [--state-out STATE] [--partial] [--cluster NAME]`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Translate a Pacemaker CIB (cibadmin -Q, or a CIB file) into a Vigil configuration.",
        discussion: """
            Names carry over (a clone is named by the clone's id). What cannot be translated is \
            reported with its element and line, and the output is refused unless --partial; notes \
            say what was translated with a difference. The output passes vigil config validate. \
            --state-out writes the CIB's status section as a vigil simulate STATE, so that \
            vigil simulate --config FILE --state STATE says what Vigil would do with that cluster now. \
            See docs/operator-guide.md, "Coming from Pacemaker".
            """)

    @Argument(help: "The CIB (XML).") var cib: String
    @Option(name: [.customShort("o"), .long], help: "Where to write the configuration (default: standard output).") var output: String?
    @Option(name: .long, help: "Also write the CIB's status section as a vigil simulate STATE.") var stateOut: String?
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
            var stateText: String?
            if stateOut != nil {
                let config = try ConfigDecoder.decode(yaml: result.yaml, file: output ?? "imported.yaml")
                let (state, problems) = CIBStatus.state(root, config: config)
                for problem in problems { printError("\(cib):\(problem.description)") }
                stateText = state.yaml(nodeOrder: config.nodes.map(\.name))
            }
            if let output {
                try Self.write(result.yaml, to: output)
            } else {
                print(result.yaml, terminator: "")
            }
            if let stateOut, let stateText { try Self.write(stateText, to: stateOut) }
        }
    }

    static func write(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError("\(path): cannot be written: \(error)")
        }
    }
}
