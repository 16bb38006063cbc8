import Foundation
import Testing
import VigilCommand

/// User lookups happen on whatever thread an executor runs on, many at once: each must
/// see only its own answer (`getpwnam_r`, never the shared buffer of `getpwnam`).
@Suite("user accounts")
struct UserAccountTests {
    /// Accounts every Debian system has, with ids that differ in uid and gid.
    static let expected: [UserAccount] = [
        UserAccount(name: "root", uid: 0, gid: 0),
        UserAccount(name: "daemon", uid: 1, gid: 1),
        UserAccount(name: "bin", uid: 2, gid: 2),
        UserAccount(name: "sys", uid: 3, gid: 3),
        UserAccount(name: "nobody", uid: 65534, gid: 65534),
    ]

    @Test("users resolved from many tasks at once each get their own uid and gid")
    func concurrentLookups() async throws {
        let wrong = await withTaskGroup(of: [String].self, returning: [String].self) { group in
            for task in 0..<16 {
                group.addTask {
                    var wrong: [String] = []
                    for round in 0..<2000 {
                        let want = Self.expected[(task + round) % Self.expected.count]
                        do {
                            let got = try UserAccount.lookup(want.name)
                            if got != want { wrong.append("\(want.name): got uid \(got.uid) gid \(got.gid)") }
                        } catch {
                            wrong.append("\(want.name): \(error)")
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong answers, e.g. \(wrong.prefix(5))")
    }

    @Test("an unknown user is refused by name")
    func unknownUser() {
        #expect(throws: CommandError.self) { try UserAccount.lookup("vigil-no-such-user") }
        do {
            _ = try UserAccount.lookup("vigil-no-such-user")
        } catch {
            #expect(error.code == .unknownUser)
            #expect(error.message.contains("vigil-no-such-user"))
        }
    }
}
