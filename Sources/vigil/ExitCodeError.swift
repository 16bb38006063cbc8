import ArgumentParser

/// Exit statuses of the CLI.
enum ExitCodeError {
    /// Invalid input: the error was printed.
    static let invalidInput = ExitCode(1)
}
