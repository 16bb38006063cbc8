import NIOCore
import NIOPosix

/// Human-readable descriptions of transport errors.
enum ProbeErrors {
    static func describe(_ error: any Error) -> String {
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first {
                return describe(first.error)
            }
            if connection.dnsAAAAError != nil || connection.dnsAError != nil {
                return "cannot resolve host"
            }
            return "cannot connect"
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case 111: return "connection refused"
            case 110: return "connection timed out"
            case 113: return "no route to host"
            case 104: return "connection reset by peer"
            default: return "\(io)"
            }
        }
        if error is ChannelError, case .connectTimeout = error as? ChannelError {
            return "connect timed out"
        }
        return "\(error)"
    }
}
