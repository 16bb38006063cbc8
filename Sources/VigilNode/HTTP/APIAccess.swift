import Foundation
import VigilCluster

/// Who may do what through the HTTP API.
///
/// Every write (`PUT`, `POST`, `DELETE`) needs `Authorization: Bearer <token>`, the token
/// being the content of `--api-token-file`; without a token file writes are refused. Reads
/// are open, except on a listener that is not on loopback when a token is configured:
/// there the `/v1/` reads need it too (health checks and `/metrics` stay open). The token
/// is compared in constant time and never logged.
public struct APIAccess: Sendable {
    /// The write token's bytes; nil: writes are disabled.
    let token: [UInt8]?
    /// Whether the listener is on a loopback address.
    let loopback: Bool

    /// Creates the access rules.
    ///
    /// - Parameters:
    ///   - token: the bearer token (nil: the API is read-only).
    ///   - loopback: whether the listener is on loopback only.
    public init(token: [UInt8]?, loopback: Bool) {
        self.token = token
        self.loopback = loopback
    }

    /// Reads `path`: the token is its content without the final line break.
    ///
    /// - Throws: ``VigilClusterError`` `invalidConfiguration` for an unreadable or empty file,
    ///   or one readable by others than its owner.
    public static func readToken(path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VigilClusterError(.invalidConfiguration, "--api-token-file \(path): cannot be read")
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 != 0
        {
            throw VigilClusterError(
                .invalidConfiguration, "--api-token-file \(path): readable by others (mode \(String(permissions, radix: 8))); chmod 600 it")
        }
        var bytes = Array(data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        guard bytes.count >= 16 else {
            throw VigilClusterError(.invalidConfiguration, "--api-token-file \(path): the token must be at least 16 characters")
        }
        return bytes
    }

    /// The decision on one request.
    enum Decision: Equatable {
        case allowed
        /// 401: no token or a wrong one.
        case unauthorized
        /// 403: writes are disabled (no token file).
        case forbidden
    }

    /// Decides for a request with `method` on `path` carrying `authorization`.
    func decide(write: Bool, path: String, authorization: String?) -> Decision {
        if !write {
            if loopback || token == nil || !path.hasPrefix("/v1/") { return .allowed }
            return presented(authorization) ? .allowed : .unauthorized
        }
        guard token != nil else { return .forbidden }
        return presented(authorization) ? .allowed : .unauthorized
    }

    private func presented(_ authorization: String?) -> Bool {
        guard let token, let authorization, authorization.hasPrefix("Bearer ") else { return false }
        let offered = Array(authorization.dropFirst("Bearer ".count).utf8)
        // Constant time in the token's length: every byte is compared.
        var difference = UInt8(truncatingIfNeeded: offered.count ^ token.count)
        for index in token.indices {
            difference |= token[index] ^ (index < offered.count ? offered[index] : 0)
        }
        return difference == 0
    }
}
