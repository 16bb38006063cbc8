public import VigilCluster
#if canImport(Glibc)
import Glibc
#endif

/// Gives back the read-only file pages a long-running agent touched only while starting.
///
/// Starting an agent runs code it never runs again (argument parsing, configuration
/// decoding, TLS and HTTP set-up) and the kernel maps file pages 64 KiB around every fault,
/// so right after start about 38 MiB of the agent's resident set are pages of the `vigil`
/// binary and the Swift and Foundation libraries, of which ≈ 6 MiB are used again in the
/// following minutes (measured with `clear_refs`; docs/benchmarks.md). Those pages are
/// clean copies of files: dropping them from the process's page tables (`MADV_DONTNEED`)
/// leaves them in the page cache, and a page used again faults back in without I/O.
///
/// Only mappings that cannot hold data of the process's own are released: the executable
/// and its shared libraries (mapped once at start and never unmapped, so an address read
/// from `smaps` cannot have been reused by the time it is released), not writable, no
/// anonymous (copy-on-write) page, not locked. A relocated read-only segment (RELRO) holds
/// copy-on-write pages and is therefore never touched.
public enum StartupPageRelease {
    /// One mapping of `/proc/self/smaps` that may be released.
    public struct Mapping: Equatable, Sendable {
        /// First address.
        public var start: UInt
        /// One past the last address.
        public var end: UInt
        /// The mapped file.
        public var path: String
        /// Resident kibibytes before the release.
        public var residentKiB: Int

        /// Creates a mapping.
        public init(start: UInt, end: UInt, path: String, residentKiB: Int) {
            self.start = start
            self.end = end
            self.path = path
            self.residentKiB = residentKiB
        }
    }

    /// What one release did.
    public struct Report: Sendable {
        /// Mappings released.
        public var mappings: Int
        /// Their resident kibibytes before the release.
        public var releasedKiB: Int
        /// The process's resident set before and after, in kibibytes (`VmRSS`).
        public var residentBeforeKiB: Int
        /// See ``residentBeforeKiB``.
        public var residentAfterKiB: Int
    }

    /// The mappings of an `smaps` text that are safe to release (pure: parses text).
    ///
    /// - Parameter executable: the process's executable (`/proc/self/exe`); besides it only
    ///   shared objects (`*.so`, `*.so.N…`) are considered.
    public static func releasableMappings(smaps: String, executable: String) -> [Mapping] {
        var result: [Mapping] = []
        var current: (mapping: Mapping, eligible: Bool, anonymous: Int, locked: Int)?
        func flush() {
            if let entry = current, entry.eligible, entry.anonymous == 0, entry.locked == 0, entry.mapping.residentKiB > 0 {
                result.append(entry.mapping)
            }
            current = nil
        }
        for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.hasSuffix(":") {
                guard current != nil, fields.count >= 2, let value = Int(fields[1]) else { continue }
                switch first {
                case "Rss:": current?.mapping.residentKiB = value
                case "Anonymous:", "Swap:": current?.anonymous += value
                case "Locked:": current?.locked = value
                default: break
                }
                continue
            }
            // A header: "start-end perms offset dev inode [path]".
            flush()
            let bounds = first.split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                fields.count >= 5
            else { continue }
            let perms = fields[1]
            let path = fields.count >= 6 ? fields[5...].joined(separator: " ") : ""
            let file = path.split(separator: "/").last ?? ""
            let sharedObject = file.hasSuffix(".so") || file.contains(".so.")
            let eligible =
                perms.hasPrefix("r") && !perms.contains("w") && path.hasPrefix("/") && (path == executable || sharedObject)
            current = (Mapping(start: start, end: end, path: path, residentKiB: 0), eligible, 0, 0)
        }
        flush()
        return result
    }

    /// Releases this process's start-up file pages (Linux; elsewhere it does nothing).
    public static func releaseStartupPages() throws(VigilClusterError) -> Report {
        #if os(Linux)
            let before = residentKiB()
            let smaps: String
            do {
                smaps = try readProcFile("/proc/self/smaps")
            } catch {
                throw VigilClusterError(.unsupported, "/proc/self/smaps: \(error)")
            }
            var released = 0
            var count = 0
            var link = [CChar](repeating: 0, count: 4097)
            let length = readlink("/proc/self/exe", &link, 4096)
            let executable = length > 0 ? String(decoding: link[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
            for mapping in releasableMappings(smaps: smaps, executable: executable) {
                guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
                if madvise(address, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 {
                    released += mapping.residentKiB
                    count += 1
                }
            }
            return Report(mappings: count, releasedKiB: released, residentBeforeKiB: before, residentAfterKiB: residentKiB())
        #else
            return Report(mappings: 0, releasedKiB: 0, residentBeforeKiB: 0, residentAfterKiB: 0)
        #endif
    }

    /// `VmRSS` of this process in kibibytes (0 where unknown).
    public static func residentKiB() -> Int {
        guard let status = try? readProcFile("/proc/self/status") else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0
        }
        return 0
    }

    /// A `/proc` file's text (its size is 0 to `stat`, so it is read until end of file).
    private static func readProcFile(_ path: String) throws(VigilClusterError) -> String {
        #if canImport(Glibc)
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw VigilClusterError(.unsupported, "\(path): errno \(errno)") }
            defer { close(descriptor) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw VigilClusterError(.unsupported, "\(path): errno \(errno)")
                }
                if count == 0 { break }
                bytes.append(contentsOf: chunk[0..<count])
            }
            return String(decoding: bytes, as: UTF8.self)
        #else
            throw VigilClusterError(.unsupported, "\(path): not on this system")
        #endif
    }
}
