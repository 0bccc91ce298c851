import CofferMountKit
import Foundation

/// `auth/<mount>/login`: the checks in OpenBao's order, each with its message
/// (spec/jwt-auth.md §3.2). Returns what token to mint; mints nothing.
struct JWTLogin {
    let config: JWTConfig
    let role: JWTRole
    let roleName: String
    let verifier: TokenVerifier
    let now: Date

    func run(jwt: String, clientAddress: String?, mountPath: String) async throws -> MountAuth {
        if !role.token.boundCIDRs.isEmpty {
            guard CIDRBlock.anyContains(role.token.boundCIDRs, clientAddress) else {
                throw MountError(.permissionDenied, ["permission denied"])
            }
        }
        let token = CompactJWS(jwt)
        let header = try verifier.header(of: token)
        let alg = header["alg"]?.stringValue ?? ""
        let allowed = config.jwtSupportedAlgs.isEmpty ? JWTConfig.supportedAlgorithms : config.jwtSupportedAlgs
        let claims = try await verifier.verify(token, alg: alg, kid: header["kid"]?.stringValue, allowedAlgs: allowed)
        guard allowed.contains(alg) else {
            throw MountError.badRequest("error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm")
        }
        try checkRegisteredClaims(claims)
        let alias = try userClaim(claims)
        let metadata = try mappedClaims(claims)
        try checkGroups(claims)
        if let bound = role.boundClaims, !bound.isEmpty {
            try BoundClaims.check(bound, claims: claims, glob: role.boundClaimsType == "glob")
        }
        let mountName = mountPath.hasPrefix("auth/") ? String(mountPath.dropFirst(5)) : mountPath
        return MountAuth(
            policies: role.token.policies,
            displayName: mountName.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "-") + alias,
            metadata: metadata.merging(["role": roleName]) { _, role in role },
            tokenSettings: role.token,
            aliasName: alias
        )
    }

    /// Types of the registered claims, then issuer, subject, audience and times (steps 10-15).
    private func checkRegisteredClaims(_ claims: [String: JSONValue]) throws {
        for name in ["iss", "sub", "jti"] {
            if let value = claims[name], value != .null, value.stringValue == nil {
                throw MountError.badRequest("error validating token: json: cannot unmarshal \(Self.goType(value)) into Go struct field Claims.\(name) of type string")
            }
        }
        let audiences: [String]
        switch claims["aud"] {
        case nil, .null?: audiences = []
        case .string(let single)?: audiences = [single]
        case .array(let items)?:
            guard items.allSatisfy({ $0.stringValue != nil }) else { fallthrough }
            audiences = items.compactMap(\.stringValue)
        default:
            throw MountError.badRequest("error validating token: go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience")
        }
        let exp = try TimeClaims.numericDate(claims["exp"])
        let nbf = try TimeClaims.numericDate(claims["nbf"])
        let iat = try TimeClaims.numericDate(claims["iat"])

        if !config.boundIssuer.isEmpty, (claims["iss"]?.stringValue ?? "") != config.boundIssuer {
            throw MountError.badRequest("error validating token: invalid issuer (iss) claim")
        }
        if !role.boundSubject.isEmpty, (claims["sub"]?.stringValue ?? "") != role.boundSubject {
            throw MountError.badRequest("error validating token: invalid subject (sub) claim")
        }
        let bound = role.boundAudiences ?? []
        if !bound.isEmpty, !audiences.contains(where: bound.contains) {
            throw MountError.badRequest("error validating token: invalid audience (aud) claim: audience claim does not match any expected audience")
        }
        try TimeClaims.check(exp: exp, nbf: nbf, iat: iat, leeways: .init(
            clockSkew: role.clockSkewLeeway, expiration: role.expirationLeeway, notBefore: role.notBeforeLeeway
        ), now: now)
        let hasAudience: Bool = switch claims["aud"] {
        case .string?: true
        case .array(let items)?: !items.isEmpty
        default: false
        }
        if bound.isEmpty, hasAudience {
            throw MountError.badRequest("audience claim found in JWT but no audiences bound to the role")
        }
    }

    private func userClaim(_ claims: [String: JSONValue]) throws -> String {
        guard let value = ClaimLookup.value(role.userClaim, in: claims, pointer: role.userClaimJSONPointer) else {
            throw MountError.badRequest("claim \"\(role.userClaim)\" not found in token")
        }
        guard let text = value.stringValue else {
            throw MountError.badRequest("claim \"\(role.userClaim)\" could not be converted to string")
        }
        return text
    }

    private func mappedClaims(_ claims: [String: JSONValue]) throws -> [String: String] {
        var metadata: [String: String] = [:]
        for (claim, key) in role.claimMappings ?? [:] {
            guard let value = ClaimLookup.value(claim, in: claims) else { continue }
            guard let text = value.stringValue else { throw MountError.badRequest("error converting claim '\(claim)' to string") }
            metadata[key] = text
        }
        return metadata
    }

    private func checkGroups(_ claims: [String: JSONValue]) throws {
        guard !role.groupsClaim.isEmpty else { return }
        guard let value = ClaimLookup.value(role.groupsClaim, in: claims) else {
            throw MountError.badRequest("failed to fetch groups: \"\(role.groupsClaim)\" claim not found in token")
        }
        let items: [JSONValue]
        switch value {
        case .string: items = [value]
        case .array(let list): items = list
        default: throw MountError.badRequest("\"\(role.groupsClaim)\" claim could not be converted to string list")
        }
        if let bad = items.first(where: { $0.stringValue == nil }) {
            throw MountError.badRequest("value \(ClaimLookup.goFormat(bad)) in groups claim could not be parsed as string")
        }
    }

    static func goType(_ value: JSONValue) -> String {
        switch value {
        case .int, .double: "number"
        case .bool: "bool"
        case .array: "array"
        case .object: "object"
        default: "value"
        }
    }
}
