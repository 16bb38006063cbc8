import Testing
import VigilNode
import VigilCluster

#if canImport(Glibc)
import Glibc
#endif

@Suite("Start-up page release")
struct StartupPageReleaseTests {
    static let smaps = """
        55d0c0000000-55d0c1540000 r-xp 00000000 08:01 1234 /usr/bin/vigil
        Size:              21760 kB
        Rss:               12084 kB
        Anonymous:             0 kB
        Swap:                  0 kB
        Locked:                0 kB
        55d0c1540000-55d0c15e8000 r--p 0153f000 08:01 1234 /usr/bin/vigil
        Rss:                 676 kB
        Anonymous:           676 kB
        Locked:                0 kB
        55d0c15e8000-55d0c1610000 rw-p 015e7000 08:01 1234 /usr/bin/vigil
        Rss:                 156 kB
        Anonymous:           156 kB
        7f0000000000-7f0000400000 rw-p 00000000 00:00 0
        Rss:                2992 kB
        Anonymous:          2992 kB
        7f1000000000-7f1000500000 r-xp 00000000 08:01 99 /opt/swift/usr/lib/swift/linux/libswiftCore.so
        Rss:                4920 kB
        Anonymous:             0 kB
        Locked:                0 kB
        7f1100000000-7f1100100000 r--p 00000000 08:01 98 /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        Rss:                1244 kB
        Anonymous:           392 kB
        7f1200000000-7f1200100000 r--p 00000000 08:01 97 /usr/lib/x86_64-linux-gnu/libm.so.6
        Rss:                 132 kB
        Anonymous:             0 kB
        Locked:              132 kB
        7f1300000000-7f1300100000 r--p 00000000 08:01 96 /usr/lib/locale/locale-archive
        Rss:                  64 kB
        Anonymous:             0 kB
        7f1400000000-7f1400100000 r--p 00000000 08:01 95 /var/lib/data.bin
        Rss:                  64 kB
        Anonymous:             0 kB
        7f1500000000-7f1500001000 r-xp 00000000 08:01 94 /usr/lib/x86_64-linux-gnu/libz.so.1.2.13
        Rss:                   0 kB
        Anonymous:             0 kB
        7ffc00000000-7ffc00002000 r-xp 00000000 00:00 0 [vdso]
        Rss:                   8 kB
        Anonymous:             0 kB
        """

    @Test("only clean, unlocked, read-only mappings of the executable and shared objects are released")
    func selection() {
        let mappings = StartupPageRelease.releasableMappings(smaps: Self.smaps, executable: "/usr/bin/vigil")
        #expect(mappings.map(\.path) == ["/usr/bin/vigil", "/opt/swift/usr/lib/swift/linux/libswiftCore.so"])
        #expect(mappings.first == .init(start: 0x55d0_c000_0000, end: 0x55d0_c154_0000, path: "/usr/bin/vigil", residentKiB: 12084))
        #expect(mappings.last?.residentKiB == 4920)
    }

    @Test("a different executable path releases none of the binary's pages")
    func otherExecutable() {
        let mappings = StartupPageRelease.releasableMappings(smaps: Self.smaps, executable: "/usr/sbin/other")
        #expect(mappings.map(\.path) == ["/opt/swift/usr/lib/swift/linux/libswiftCore.so"])
    }

    /// The release on this very process: the resident set shrinks, the process keeps working
    /// (its code faults back in), and data in its writable and copy-on-write pages survives.
    @Test("releasing this test process's start-up pages shrinks its RSS and keeps its data")
    func releaseInProcess() throws {
        var table: [String: Int] = [:]
        for index in 0..<10_000 { table["key-\(index)"] = index * 3 }
        let report = try StartupPageRelease.releaseStartupPages()
        #expect(report.mappings > 0)
        #expect(report.releasedKiB > 0)
        #expect(report.residentAfterKiB < report.residentBeforeKiB, "RSS \(report.residentBeforeKiB) → \(report.residentAfterKiB) KiB")
        // Code and read-only data of the libraries come back; the heap was never touched.
        #expect(table.count == 10_000)
        #expect((0..<10_000).allSatisfy { table["key-\($0)"] == $0 * 3 })
        #expect("\(Double(2.5))".hasPrefix("2.5"))
    }
}
