import CofferEncoding
import CofferMountKit
import Foundation

/// Response wrapping (spec/vault-api.md §2.5, §4.9): a response is stored in the
/// cubbyhole of a new single-use token, and the caller gets only that token.
struct ResponseWrapper: Sendable {
    /// The policy of wrapping tokens: they may unwrap and nothing else.
    static let policyName = "response-wrapping"

    /// What a wrapping token's cubbyhole holds.
    struct Stored: Codable {
        var creationPath: String
        var creationTime: Date
        var ttl: Int64
        var response: WrappedResponse
    }

    /// The parts of an envelope that unwrapping gives back.
    struct WrappedResponse: Codable {
        var leaseID: String
        var renewable: Bool
        var leaseDuration: Int64
        var data: JSONValue
        var warnings: [String]
        var auth: JSONValue
    }

    let tokens: TokenStore
    let barrier: SecurityBarrier
    let expiration: ExpirationManager

    /// Wraps `response` for `ttl` seconds; the answer carries only `wrap_info`.
    func wrap(_ response: LogicalResponse, path: String, ttl: Int64) async throws -> LogicalResponse {
        let stored = Stored(
            creationPath: path, creationTime: tokens.clock(), ttl: ttl,
            response: WrappedResponse(
                leaseID: response.leaseID, renewable: response.renewable, leaseDuration: response.leaseDuration,
                data: response.data, warnings: response.warnings, auth: response.auth)
        )
        return try await store(stored)
    }

    /// A new wrapping token holding `stored`.
    func store(_ stored: Stored) async throws -> LogicalResponse {
        var request = TokenStore.Request(policies: [Self.policyName], path: stored.creationPath, displayName: "response-wrapping")
        request.ttl = stored.ttl
        request.numUses = 1
        request.renewable = false
        // The payload goes in the token's own batch: no wrapping token without it.
        let payload = try JSONEncoder().encode(stored)
        let (id, entry) = try await tokens.create(request, alongside: { [.put(Self.cubbyholePath($0.hash), payload)] })
        expiration.track(entry)

        var info: [String: JSONValue] = [
            "token": .string(id), "accessor": .string(entry.accessor), "ttl": .int(stored.ttl),
            "creation_time": .string(Timestamps.rfc3339(stored.creationTime)), "creation_path": .string(stored.creationPath),
        ]
        if let accessor = stored.response.auth["accessor"]?.stringValue {
            info["wrapped_accessor"] = .string(accessor)
        } else if let accessor = stored.response.data["secret_id_accessor"]?.stringValue {
            info["wrapped_accessor"] = .string(accessor)
        }
        var answer = LogicalResponse(requestID: "")
        answer.wrapInfo = .object(info)
        return answer
    }

    /// What a wrapping token holds, or nil when it is not one (or is gone).
    func stored(for token: TokenEntry) async throws -> Stored? {
        guard token.policies == [Self.policyName], let data = try await barrier.get(Self.cubbyholePath(token.hash)) else { return nil }
        return try JSONDecoder().decode(Stored.self, from: data)
    }

    static func cubbyholePath(_ hash: String) -> String {
        TokenStore.cubbyholePrefix + hash + "/response"
    }

    /// The unwrapped response, as it was, with a fresh request id.
    static func unwrapped(_ stored: Stored, requestID: String) -> LogicalResponse {
        var response = LogicalResponse(requestID: requestID, data: stored.response.data)
        response.leaseID = stored.response.leaseID
        response.renewable = stored.response.renewable
        response.leaseDuration = stored.response.leaseDuration
        response.warnings = stored.response.warnings
        response.auth = stored.response.auth
        return response
    }

    static let invalid = CoreError.badRequest("wrapping token is not valid or does not exist")
}
