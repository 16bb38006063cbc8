import Foundation
import Testing
import VigilAgents

/// The option file reader reads what `mariadbd --defaults-file=FILE` reads: the server's
/// groups, includes, quotes, `loose-`, `-` as `_`, the last setting winning.
@Suite("MariaDB option file")
struct MariaDBOptionFileTests {
    @Test func onlyTheServersGroupsAreRead() throws {
        let file = try MariaDBOptionFile.parse(
            """
            [client]
            port=1111
            socket=/run/client.sock
            [MySQLd]
            port=3307
            [mysql]
            datadir=/srv/client-only
            [galera]
            wsrep_on=ON
            [mariadb-10.11]
            datadir=/srv/db/
            [sst]
            wsrep_provider=/from/the/sst/group
            """, path: "/etc/my.cnf")
        #expect(file.port == 3307)
        #expect(file.socket == "/run/mysqld/mysqld.sock", "the [client] socket is not the server's")
        #expect(file.datadir == "/srv/db", "the trailing slash is dropped")
        #expect(file.value("wsrep_on") == "ON")
        #expect(file.wsrepProvider == nil, "[sst] is not a server group")
        #expect(file.settings["port"]?.line == 5)
        #expect(file.settings["port"]?.file == "/etc/my.cnf")
    }

    @Test func settingsBeforeAnyGroupAreIgnored() throws {
        let file = try MariaDBOptionFile.parse("port=1\n[mysqld]\n", path: "/x.cnf")
        #expect(file.value("port") == nil)
    }

    @Test func quotesAndTrailingCommentsAreRemoved() throws {
        let file = try MariaDBOptionFile.parse(
            """
            [mysqld]
            wsrep_cluster_name = "two words"
            wsrep_sst_auth='a:b # not a comment'
            log_error = /var/log/mysql/error.log # where errors go
            # a comment line
            ; another comment line
            skip-name-resolve
            """, path: "/x.cnf")
        #expect(file.value("wsrep_cluster_name") == "two words")
        #expect(file.value("wsrep_sst_auth") == "a:b # not a comment")
        #expect(file.value("log_error") == "/var/log/mysql/error.log")
        #expect(file.errorLog == "/var/log/mysql/error.log")
        #expect(file.value("skip_name_resolve") == "", "a bare option has an empty value")
    }

    @Test func dashesUnderscoresCaseAndLooseAreOneName() throws {
        let file = try MariaDBOptionFile.parse(
            """
            [mysqld]
            loose-wsrep-provider=/usr/lib/galera/libgalera_smm.so
            WSREP-Cluster-Address=gcomm://a,b
            loose_wsrep_on=1
            """, path: "/x.cnf")
        #expect(file.wsrepProvider == "/usr/lib/galera/libgalera_smm.so")
        #expect(file.value("wsrep-cluster-address") == "gcomm://a,b")
        #expect(file.settings["wsrep_cluster_address"]?.line == 3)
        #expect(file.value("wsrep_on") == "1")
    }

    @Test func theLastSettingWinsWithItsLine() throws {
        let file = try MariaDBOptionFile.parse(
            """
            [mysqld]
            port=3306
            [galera]
            port = 3307
            [client]
            port=9
            """, path: "/x.cnf")
        #expect(file.port == 3307)
        #expect(file.settings["port"]?.line == 4)
    }

    @Test func includesAreReadInPlaceAndInOrder() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("conf.d"), withIntermediateDirectories: true)
        try dir.write("conf.d/20-b.cnf", "[mysqld]\nport=3320\nwsrep_on=ON\n")
        try dir.write("conf.d/10-a.cnf", "[mysqld]\nport=3310\ndatadir=/srv/a\n")
        try dir.write("conf.d/30-ignored.txt", "[mysqld]\nport=9999\n")
        try dir.write("galera.cnf", "[galera]\nwsrep_cluster_address=gcomm://127.0.0.1:4567\n")
        try dir.write(
            "my.cnf",
            """
            [mysqld]
            port=3300
            !includedir \(dir.file("conf.d"))
            !include \(dir.file("galera.cnf"))
            datadir=/srv/last
            """)
        let file = try MariaDBOptionFile.load(dir.file("my.cnf"))
        #expect(file.port == 3320, "conf.d files in name order, .cnf only")
        #expect(file.settings["port"]?.file == dir.file("conf.d/20-b.cnf"))
        #expect(file.settings["port"]?.line == 2)
        #expect(file.datadir == "/srv/last", "a setting after the include wins over the included one")
        #expect(file.settings["wsrep_cluster_address"]?.file == dir.file("galera.cnf"))
        #expect(file.clusterAddress?.map(\.description) == ["127.0.0.1:4567"])
    }

    @Test func aMissingIncludeIsAnErrorNamingIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("my.cnf", "[mysqld]\n!include \(dir.file("nope.cnf"))\n")
        #expect {
            try MariaDBOptionFile.load(dir.file("my.cnf"))
        } throws: { error in
            (error as? AgentsError)?.message.hasPrefix("\(dir.file("nope.cnf")): cannot read the option file: ") == true
        }
    }

    @Test func aGroupHeaderWithoutItsBracketIsAnErrorWithItsLine() {
        #expect {
            try MariaDBOptionFile.parse("[mysqld]\nport=1\n[galera\n", path: "/x.cnf")
        } throws: { error in
            (error as? AgentsError)?.message == "/x.cnf:3: a group header without ']'"
        }
    }

    @Test(arguments: [
        ("gcomm://127.0.0.1:4567,127.0.0.1:4568,127.0.0.1:4569", ["127.0.0.1:4567", "127.0.0.1:4568", "127.0.0.1:4569"]),
        ("gcomm://db1,db2:5000, db3", ["db1:4567", "db2:5000", "db3:4567"]),
        ("gcomm://10.0.0.1,10.0.0.2?pc.wait_prim=no", ["10.0.0.1:4567", "10.0.0.2:4567"]),
        ("GCOMM://[fd00::1]:4567,[fd00::2]", ["[fd00::1]:4567", "[fd00::2]:4567"]),
        ("gcomm://", []),
    ])
    func gcommMembersWithAndWithoutPorts(address: String, members: [String]) throws {
        let file = try MariaDBOptionFile.parse("[mysqld]\nwsrep_cluster_address=\"\(address)\"\n", path: "/x.cnf")
        #expect(file.clusterAddress?.map(\.description) == members)
    }

    @Test(arguments: ["dummy://", "127.0.0.1:4567"])
    func aClusterAddressThatIsNotGcommHasNoMembers(address: String) throws {
        let file = try MariaDBOptionFile.parse("[mysqld]\nwsrep_cluster_address=\(address)\n", path: "/x.cnf")
        #expect(file.clusterAddress == nil)
    }

    @Test func theOwnGroupAddressIsTheNodeHostWithTheListenPort() throws {
        let options = "wsrep_provider_options=\"gmcast.listen_addr=tcp://0.0.0.0:4568;ist.recv_addr=127.0.0.1:4578\""
        let listening = try MariaDBOptionFile.parse("[mysqld]\nwsrep_node_address=10.0.0.5\n\(options)\n", path: "/x.cnf")
        #expect(listening.ownGroupAddress?.description == "10.0.0.5:4568")
        #expect(listening.providerOptions["ist.recv_addr"] == "127.0.0.1:4578")
        let explicit = try MariaDBOptionFile.parse("[mysqld]\nwsrep_node_address=10.0.0.5:4600\n\(options)\n", path: "/x.cnf")
        #expect(explicit.ownGroupAddress?.description == "10.0.0.5:4600")
        let defaultPort = try MariaDBOptionFile.parse("[mysqld]\nwsrep_node_address=10.0.0.5\n", path: "/x.cnf")
        #expect(defaultPort.ownGroupAddress?.description == "10.0.0.5:4567")
        let wildcard = try MariaDBOptionFile.parse("[mysqld]\n\(options)\n", path: "/x.cnf")
        #expect(wildcard.ownGroupAddress == nil, "Galera guesses its address: nothing to compare")
        let bound = try MariaDBOptionFile.parse(
            "[mysqld]\nwsrep_provider_options=\"gmcast.listen_addr=tcp://127.0.0.1:4569\"\n", path: "/x.cnf")
        #expect(bound.ownGroupAddress?.description == "127.0.0.1:4569")
    }
}
