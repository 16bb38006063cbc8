#if canImport(Glibc)
import Glibc
#endif

/// A local user account's numeric identity, as a process started "as that user" takes it.
public struct UserAccount: Sendable, Hashable {
    /// The account's name.
    public var name: String
    /// Its user id.
    public var uid: UInt32
    /// Its primary group id.
    public var gid: UInt32

    /// Creates an identity.
    public init(name: String, uid: UInt32, gid: UInt32) {
        self.name = name
        self.uid = uid
        self.gid = gid
    }

    /// Looks up `name` in the system's user database.
    ///
    /// Uses `getpwnam_r` with a buffer of its own: `getpwnam` returns a record shared by
    /// the whole process, which another thread's lookup can overwrite while it is read.
    ///
    /// - Throws: `CommandError` (`unknownUser`) when no such user exists or the lookup fails.
    public static func lookup(_ name: String) throws(CommandError) -> UserAccount {
        let suggested = sysconf(Int32(_SC_GETPW_R_SIZE_MAX))
        var size = suggested > 0 ? suggested : 16 * 1024
        while true {
            var entry = passwd()
            var found: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwnam_r(name, &entry, &buffer, buffer.count, &found)
            if status == ERANGE && size < 1024 * 1024 {
                size *= 2
                continue
            }
            guard status == 0 else {
                throw CommandError(.unknownUser, "cannot look up user '\(name)': \(String(cString: strerror(status)))")
            }
            guard found != nil else { throw CommandError(.unknownUser, "unknown user '\(name)'") }
            return UserAccount(name: name, uid: entry.pw_uid, gid: entry.pw_gid)
        }
    }
}
