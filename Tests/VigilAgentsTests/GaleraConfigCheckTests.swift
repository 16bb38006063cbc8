import Foundation
import Testing
import VigilAgents

#if canImport(Glibc)
import Glibc
#endif

/// What a Galera node's option file must say before its server starts (issue 11, "bad
/// input"); every message names the file and, where one setting is at fault, its line.
@Suite("Galera option file checks")
struct GaleraConfigCheckTests {
    /// A node of SERVICES.md's three nodes on 127.0.0.1 (group ports 4567–4569).
    static func node(_ n: Int, clusterAddress: String? = "gcomm://127.0.0.1:4567,127.0.0.1:4568,127.0.0.1:4569",
                     provider: String? = "/usr/lib/galera/libgalera_smm.so", wsrepOn: String? = "ON") -> String {
        var lines = ["[mysqld]", "datadir=/srv/galera/n\(n)", "port=\(3305 + n)", "bind-address=127.0.0.1"]
        if let wsrepOn { lines.append("wsrep_on=\(wsrepOn)") }
        if let provider { lines.append("wsrep_provider=\(provider)") }
        if let clusterAddress { lines.append("wsrep_cluster_address=\(clusterAddress)") }
        lines.append("wsrep_node_address=127.0.0.1")
        lines.append("wsrep_provider_options=\"gmcast.listen_addr=tcp://127.0.0.1:\(4566 + n);ist.recv_addr=127.0.0.1:\(4576 + n)\"")
        return lines.joined(separator: "\n") + "\n"
    }

    static func messages(_ file: String, cloneMax: Int? = 3) -> [String] {
        GaleraConfigCheck.problems(optionFile: file, cloneMax: cloneMax).map {
            #expect($0.field == "config")
            return $0.message
        }
    }

    @Test func aGoodNodeHasNoProblem() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        for n in 1...3 {
            try dir.write("n\(n).cnf", Self.node(n))
            #expect(Self.messages(dir.file("n\(n).cnf")) == [])
        }
    }

    @Test func aMissingFileADirectoryAndAFIFOCannotBeRead() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        #expect(Self.messages(dir.file("none.cnf")) == ["\(dir.file("none.cnf")): cannot read the option file: No such file or directory"])
        #expect(Self.messages(dir.path) == ["\(dir.path): cannot read the option file: Is a directory"])
        #expect(mkfifo(dir.file("fifo"), 0o600) == 0)
        #expect(Self.messages(dir.file("fifo")) == ["\(dir.file("fifo")): cannot read the option file: not a regular file"])
    }

    @Test func anUnreadableIncludeNamesBothFiles() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("n1.cnf", Self.node(1) + "!include \(dir.file("gone.cnf"))\n")
        let found = Self.messages(dir.file("n1.cnf"))
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("in the option file \(dir.file("n1.cnf")): \(dir.file("gone.cnf")): cannot read the option file: ") == true, "\(found)")
    }

    @Test func noProviderOrNone() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("unset.cnf", Self.node(1, provider: nil))
        #expect(Self.messages(dir.file("unset.cnf")) == [
            "\(dir.file("unset.cnf")): no wsrep_provider is set; expected the Galera library (wsrep_provider=/usr/lib/galera/libgalera_smm.so)"
        ])
        try dir.write("none.cnf", Self.node(1, provider: "none"))
        #expect(Self.messages(dir.file("none.cnf")) == [
            "\(dir.file("none.cnf")):6: wsrep_provider is 'none'; expected the Galera library (wsrep_provider=/usr/lib/galera/libgalera_smm.so)"
        ])
    }

    @Test func wsrepMustBeOn() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("unset.cnf", Self.node(1, wsrepOn: nil))
        #expect(Self.messages(dir.file("unset.cnf")) == [
            "\(dir.file("unset.cnf")): wsrep_on is not set; expected wsrep_on=ON (else the server starts outside any Galera cluster)"
        ])
        try dir.write("off.cnf", Self.node(1, wsrepOn: "OFF"))
        #expect(Self.messages(dir.file("off.cnf")) == [
            "\(dir.file("off.cnf")):5: wsrep_on is 'OFF'; expected wsrep_on=ON (else the server starts outside any Galera cluster)"
        ])
        for on in ["1", "on", "TRUE", ""] {
            try dir.write("on.cnf", Self.node(1, wsrepOn: on).replacingOccurrences(of: "wsrep_on=\n", with: "wsrep_on\n"))
            #expect(Self.messages(dir.file("on.cnf")) == [], "wsrep_on=\(on)")
        }
    }

    @Test func theClusterAddressMustBeAGcommList() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("unset.cnf", Self.node(1, clusterAddress: nil))
        #expect(Self.messages(dir.file("unset.cnf")) == [
            "\(dir.file("unset.cnf")): no wsrep_cluster_address is set; expected gcomm://HOST:PORT,HOST:PORT,... listing every node's group address"
        ])
        try dir.write("dummy.cnf", Self.node(1, clusterAddress: "dummy://"))
        #expect(Self.messages(dir.file("dummy.cnf")) == [
            "\(dir.file("dummy.cnf")):7: wsrep_cluster_address is 'dummy://'; expected gcomm://HOST:PORT,HOST:PORT,... listing every node's group address"
        ])
        try dir.write("empty.cnf", Self.node(1, clusterAddress: "gcomm://"))
        #expect(Self.messages(dir.file("empty.cnf")) == [
            "\(dir.file("empty.cnf")):7: wsrep_cluster_address lists no member ('gcomm://' would make every start a new cluster); expected gcomm://HOST:PORT,HOST:PORT,... listing every node's group address"
        ])
    }

    @Test func theNodesOwnAddressMustBeListed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("n1.cnf", Self.node(1, clusterAddress: "gcomm://127.0.0.1:4568,127.0.0.1:4569"))
        #expect(Self.messages(dir.file("n1.cnf"), cloneMax: 2) == [
            "\(dir.file("n1.cnf")):7: wsrep_cluster_address does not list this node's own group address 127.0.0.1:4567 (wsrep_node_address, gmcast.listen_addr); it lists 127.0.0.1:4568, 127.0.0.1:4569"
        ])
        // The same address by another name, and a member without its port (4567).
        try dir.write("named.cnf", Self.node(1, clusterAddress: "gcomm://localhost,127.0.0.1:4568"))
        #expect(Self.messages(dir.file("named.cnf"), cloneMax: 2) == [])
    }

    @Test func theListMustHaveRoomForEveryInstance() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("n1.cnf", Self.node(1, clusterAddress: "gcomm://127.0.0.1:4567,127.0.0.1:4568"))
        #expect(Self.messages(dir.file("n1.cnf"), cloneMax: 3) == [
            "\(dir.file("n1.cnf")):7: wsrep_cluster_address lists 2 members (127.0.0.1:4567, 127.0.0.1:4568) but the clone may run 3 instances; expected every instance's group address"
        ])
        #expect(Self.messages(dir.file("n1.cnf"), cloneMax: 2) == [])
        #expect(Self.messages(dir.file("n1.cnf"), cloneMax: nil) == [])
    }

    @Test func aSettingFromAnIncludedFileIsNamedWithItsOwnFileAndLine() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("galera.cnf", "# the cluster\n[galera]\nwsrep_cluster_address=gcomm://127.0.0.1:4568\n")
        try dir.write("n1.cnf", Self.node(1, clusterAddress: nil) + "!include \(dir.file("galera.cnf"))\n")
        #expect(Self.messages(dir.file("n1.cnf"), cloneMax: 1) == [
            "\(dir.file("galera.cnf")):3 (included by \(dir.file("n1.cnf"))): wsrep_cluster_address does not list this node's own group address 127.0.0.1:4567 (wsrep_node_address, gmcast.listen_addr); it lists 127.0.0.1:4568"
        ])
    }
}
