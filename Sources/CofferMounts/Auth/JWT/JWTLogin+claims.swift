import CofferEncoding
import CofferMountKit

extension JWTLogin {
    /// Types of the registered claims, then issuer, subject, audience and times (steps 10-15).
    func checkRegisteredClaims(_ claims: [String: JSONValue], _ log: inout JWTLoginChecks) throws {
        let (audiences, exp, nbf, iat) = try typedClaims(claims, &log)
        let issuer = claims["iss"]?.stringValue ?? ""
        if config.boundIssuer.isEmpty {
            log.skip("iss", expected: "no bound_issuer")
        } else if issuer != config.boundIssuer {
            try log.fail("iss", expected: config.boundIssuer, actual: issuer, .issuer)
        } else {
            log.pass("iss", expected: config.boundIssuer, actual: issuer)
        }
        let subject = claims["sub"]?.stringValue ?? ""
        if role.boundSubject.isEmpty {
            log.skip("bound_subject")
        } else if subject != role.boundSubject {
            try log.fail("bound_subject", expected: role.boundSubject, actual: subject, .subject)
        } else {
            log.pass("bound_subject", expected: role.boundSubject, actual: subject)
        }
        let bound = role.boundAudiences ?? []
        func shownAudiences() -> String { "[\(audiences.joined(separator: ", "))]" }
        if bound.isEmpty {
            log.skip("aud", expected: "no bound_audiences")
        } else if !audiences.contains(where: bound.contains) {
            try log.fail("aud", expected: "any of [\(bound.joined(separator: ", "))]", actual: shownAudiences(), .audience)
        } else {
            log.pass("aud", expected: "any of [\(bound.joined(separator: ", "))]", actual: shownAudiences())
        }
        try TimeClaims.check(
            exp: exp, nbf: nbf, iat: iat,
            leeways: .init(
                clockSkew: role.clockSkewLeeway, expiration: role.expirationLeeway, notBefore: role.notBeforeLeeway
            ), now: now, into: &log)
        // A role without audiences refuses a token that names one (`aud: []` has none).
        guard bound.isEmpty else { return }
        let hasAudience: Bool =
            switch claims["aud"] {
            case .string?: true
            case .array(let items)?: !items.isEmpty
            default: false
            }
        let expected = "no aud claim, as the role binds no audiences"
        if hasAudience { try log.fail("bound_audiences", expected: expected, actual: "aud \(shownAudiences())", .audienceNotBound) }
        log.pass("bound_audiences", expected: expected, actual: "no aud claim")
    }

    /// go-jose's strict decoding of the registered claims (step 10): the audiences
    /// and the three NumericDates.
    private func typedClaims(_ claims: [String: JSONValue], _ log: inout JWTLoginChecks) throws -> ([String], Double?, Double?, Double?) {
        let expected = "iss, sub, jti strings; aud a string or list of strings; exp, nbf, iat numbers"
        for name in ["iss", "sub", "jti"] {
            if let value = claims[name], value != .null, value.stringValue == nil {
                let goType = Self.goType(value)
                try log.fail("claim_types", expected: expected, actual: "\(name) is a \(goType)", .claimType(claim: name, goType: goType))
            }
        }
        let audiences: [String]
        switch claims["aud"] {
        case nil, .null?: audiences = []
        case .string(let single)?: audiences = [single]
        case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }): audiences = items.compactMap(\.stringValue)
        default: try log.fail("claim_types", expected: expected, actual: "aud is neither", .audienceType)
        }
        var dates: [Double?] = []
        for name in ["exp", "nbf", "iat"] {
            do throws(JWTLoginFailure) {
                dates.append(try TimeClaims.numericDate(claims[name]))
            } catch {
                try log.fail("claim_types", expected: expected, actual: "\(name) is not a number", error)
            }
        }
        log.pass("claim_types", expected: expected, actual: "as expected")
        return (audiences, dates[0], dates[1], dates[2])
    }

    /// The alias of the token's user (step 16).
    func userClaim(_ claims: [String: JSONValue], _ log: inout JWTLoginChecks) throws -> String {
        func expected() -> String { "claim \"\(role.userClaim)\", a string" }
        guard let value = ClaimLookup.value(role.userClaim, in: claims, pointer: role.userClaimJSONPointer) else {
            try log.fail("user_claim", expected: expected(), actual: "missing", .userClaimMissing(role.userClaim))
        }
        guard let text = value.stringValue else {
            try log.fail("user_claim", expected: expected(), actual: BoundClaims.shown(value), .userClaimNotString(role.userClaim))
        }
        log.pass("user_claim", expected: expected(), actual: text)
        return text
    }

    /// The token metadata that `claim_mappings` copies from claims (step 17).
    func mappedClaims(_ claims: [String: JSONValue], _ log: inout JWTLoginChecks) throws -> [String: String] {
        guard let mappings = role.claimMappings, !mappings.isEmpty else {
            log.skip("claim_mappings")
            return [:]
        }
        var metadata: [String: String] = [:]
        func expected() -> String { "string values of \(mappings.keys.sorted().joined(separator: ", ")) when present" }
        for (claim, key) in mappings {
            guard let value = ClaimLookup.value(claim, in: claims) else { continue }
            guard let text = value.stringValue else {
                try log.fail(
                    "claim_mappings", expected: expected(), actual: "\(claim) is \(BoundClaims.shown(value))", .claimMappingNotString(claim)
                )
            }
            metadata[key] = text
        }
        log.pass("claim_mappings", expected: expected(), actual: "mapped \(metadata.keys.sorted().joined(separator: ", "))")
        return metadata
    }

    /// `groups_claim` must be a string or a list of strings (step 18); its
    /// values name the login's external groups. Nil when the role has none.
    func checkGroups(_ claims: [String: JSONValue], _ log: inout JWTLoginChecks) throws -> [String]? {
        let name = role.groupsClaim
        guard !name.isEmpty else {
            log.skip("groups_claim")
            return nil
        }
        func expected() -> String { "claim \"\(name)\", a string or a list of strings" }
        guard let value = ClaimLookup.value(name, in: claims) else {
            try log.fail("groups_claim", expected: expected(), actual: "missing", .groupsClaimMissing(name))
        }
        let items: [JSONValue]
        switch value {
        case .string: items = [value]
        case .array(let list): items = list
        default: try log.fail("groups_claim", expected: expected(), actual: BoundClaims.shown(value), .groupsClaimNotList(name))
        }
        if let bad = items.first(where: { $0.stringValue == nil }) {
            try log.fail("groups_claim", expected: expected(), actual: BoundClaims.shown(value), .groupNotString(ClaimLookup.goFormat(bad)))
        }
        log.pass("groups_claim", expected: expected(), actual: BoundClaims.shown(value))
        return items.compactMap(\.stringValue)
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
