import VigilCluster
import VigilModel

// The JSON bodies of the API (docs/api/openapi.yaml names each one).

struct ErrorDocument: Encodable {
    var error: String
    var message: String
    var diagnostics: [DiagnosticDocument]?
}

struct DiagnosticDocument: Encodable {
    var file: String
    var line: Int
    var column: Int
    var path: String
    var message: String

    init(_ diagnostic: Diagnostic) {
        file = diagnostic.file
        line = diagnostic.line
        column = diagnostic.column
        path = diagnostic.path
        message = diagnostic.message
    }
}

struct EventList: Encodable {
    var events: [EventRecord]
}

struct ConfigDocument: Encodable {
    var yaml: String
    var hash: String
    var appliedBy: String
    var appliedAt: String
    var owners: [String: String]

    enum CodingKeys: String, CodingKey {
        case yaml, hash, owners
        case appliedBy = "applied-by"
        case appliedAt = "applied-at"
    }
}

struct FragmentSummary: Encodable {
    var hash: String
    var appliedBy: String
    var appliedAt: String
    var defines: [String]

    enum CodingKeys: String, CodingKey {
        case hash, defines
        case appliedBy = "applied-by"
        case appliedAt = "applied-at"
    }
}

struct FragmentList: Encodable {
    var fragments: [String: FragmentSummary]
}

struct FragmentDocument: Encodable {
    var owner: String
    var yaml: String
    var hash: String
    var appliedBy: String
    var appliedAt: String

    enum CodingKeys: String, CodingKey {
        case owner, yaml, hash
        case appliedBy = "applied-by"
        case appliedAt = "applied-at"
    }
}

struct ApplyDocument: Encodable {
    var revision: Int64?
    var hash: String
    var unchanged: Bool
    var actions: [String]
    var unplaced: [String]

    init(_ result: ApplyResult) {
        revision = result.revision
        hash = result.hash
        unchanged = result.unchanged
        actions = result.transition.actions.map(\.description)
        unplaced = result.transition.unplaced
    }
}

struct LeaderDocument: Encodable {
    var holder: String
    var token: Int64
}

struct AcquireBody: Decodable {
    var holder: String
    var ttl: Int
}

struct LeaseBody: Decodable {
    var lease: Int64
}

struct RenewDocument: Encodable {
    var ttl: Int
}

struct HealthBody: Decodable {
    var healthy: Bool
    var reason: String?
    var ttl: Int?
    var reporter: String?
    var node: String?
}

struct NodeBody: Decodable {
    var node: String?
}

struct NodeDocument: Encodable {
    var node: String
    var standby: Bool
    var maintenance: Bool
}

struct ResourceDocument: Encodable {
    var resource: String
    var prefer: String?
    var bans: [String]
    var stopped: Bool
}

struct CleanupDocument: Encodable {
    var resource: String
    var cleared: Int
}
