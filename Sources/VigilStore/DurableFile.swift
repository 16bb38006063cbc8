import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file so that, after a crash or power loss, it holds either its old content or
/// the new one, never a mix or nothing.
enum DurableFile {
    /// A write that failed, with the step and the system's reason.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes `data` to `path.tmp`, fsyncs it, renames it over `path`, then fsyncs the
    /// directory (without that last step the rename itself may not survive a crash). On a
    /// failure before the rename `path` is untouched and the temporary file removed; a
    /// failure of the directory's fsync leaves the new content in place but perhaps not
    /// durable, and is reported like any other.
    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("open \(temporary)") }
        do {
            try writeAll(data, to: fd, path: temporary)
            guard fsync(fd) == 0 else { throw failure("fsync \(temporary)") }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let error = failure("close \(temporary)")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("rename \(temporary)")
            unlink(temporary)
            throw error
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else { throw failure("open \(directory)") }
        defer { close(directoryFD) }
        guard fsync(directoryFD) == 0 else { throw failure("fsync \(directory)") }
    }

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("write \(path)")
                }
                offset += written
            }
        }
    }

    private static func failure(_ step: String) -> Failure {
        Failure(description: "\(step): \(String(cString: strerror(errno)))")
    }
}
