import Logging

/// The CLI's logger: the libraries' warnings and errors go to standard error, never to
/// standard output (which carries the command's result).
enum CLILogger {
    static let standardError: Logger = {
        var logger = Logger(label: "vigil", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        return logger
    }()
}
