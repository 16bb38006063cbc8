import Foundation
import VigilModel

/// Reading input files at the edge, with errors that name the file.
enum InputFile {
    /// The file's text. At most ``InputLimits/documentBytes`` are read: a larger file (or
    /// an endless one such as a device) is refused, never loaded whole.
    static func read(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw CLIError("\(path): the file \(reason)")
        }
        defer { try? handle.close() }
        let limit = InputLimits.documentBytes
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw CLIError("\(path): the file cannot be read: \(error)")
        }
        guard data.count <= limit else {
            throw CLIError("\(path): the file is larger than \(limit) bytes (4 MiB), the most Vigil reads")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("\(path): the file is not UTF-8 text")
        }
        return text
    }

    static func config(_ path: String) throws -> ClusterConfig {
        try ConfigDecoder.decode(yaml: read(path), file: path)
    }
}

/// A failure the CLI reports as one message on standard error, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs `body`, turning model and CLI errors into a message and exit status 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as VigilModelError {
        printError(error.message)
        throw ExitCodeError.invalidInput
    } catch let error as CLIError {
        printError(error.description)
        throw ExitCodeError.invalidInput
    }
}

/// ``reportingErrors(_:)`` for async work (a fragment merged with the cluster's others is
/// validated by the client, after the round trip).
func reportingErrors<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as VigilModelError {
        printError(error.message)
        throw ExitCodeError.invalidInput
    } catch let error as CLIError {
        printError(error.description)
        throw ExitCodeError.invalidInput
    }
}
