import CofferEncoding
import CofferMountKit

/// `auth/<mount>/role/<name>`: which tokens may log in and what token they get
/// (spec/jwt-auth.md §2).
struct JWTRole: Codable, Sendable, Equatable, ShownRole {
    var roleType = "oidc"
    var userClaim = ""
    var userClaimJSONPointer = false
    var boundAudiences: [String]? = nil
    var boundSubject = ""
    var boundClaims: [String: JSONValue]? = nil
    var boundClaimsType = "string"
    var claimMappings: [String: String]? = nil
    var groupsClaim = ""
    var clockSkewLeeway: Int64 = 0
    var expirationLeeway: Int64 = 0
    var notBeforeLeeway: Int64 = 0
    var verboseOIDCLogging = false
    var tokenPoliciesTemplateClaims = false
    var allowedRedirectURIs: [String]? = nil
    var oidcScopes: [String]? = nil
    var callbackMode = "client"
    var maxAge: Int64 = 0
    var pollInterval: Int64 = 0
    var oauth2Metadata: [String]? = nil
    var oidcDisableConfirmation = false
    var token = TokenSettings()

    /// The role as a read shows it (§2.4): durations in seconds, unset lists `null`.
    var json: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "allowed_redirect_uris": allowedRedirectURIs.map { JSONValue($0) } ?? .null,
            "bound_audiences": boundAudiences.map { JSONValue($0) } ?? .null,
            "bound_claims": boundClaims.map { .object($0) } ?? .null,
            "bound_claims_type": .string(boundClaimsType),
            "bound_subject": .string(boundSubject),
            "callback_mode": .string(callbackMode),
            "claim_mappings": claimMappings.map { .object($0.mapValues { .string($0) }) } ?? .null,
            "clock_skew_leeway": .int(clockSkewLeeway),
            "expiration_leeway": .int(expirationLeeway),
            "groups_claim": .string(groupsClaim),
            "max_age": .int(maxAge),
            "not_before_leeway": .int(notBeforeLeeway),
            "oauth2_metadata": oauth2Metadata.map { JSONValue($0) } ?? .null,
            "oidc_disable_confirmation": .bool(oidcDisableConfirmation),
            "oidc_scopes": oidcScopes.map { JSONValue($0) } ?? .null,
            "role_type": .string(roleType),
            "token_policies_template_claims": .bool(tokenPoliciesTemplateClaims),
            "user_claim": .string(userClaim),
            "user_claim_json_pointer": .bool(userClaimJSONPointer),
            "verbose_oidc_logging": .bool(verboseOIDCLogging),
        ]
        if pollInterval > 0 { object["poll_interval"] = .int(pollInterval) }
        object.merge(token.json) { _, new in new }
        return object
    }
}

extension JWTRole {
    /// Applies a role write. Most fields change only when sent; `role_type`,
    /// `bound_claims_type`, `callback_mode` and `oidc_disable_confirmation` are
    /// re-derived from every write, as OpenBao does (§2.3). Returns warnings.
    mutating func update(from fields: RequestFields) throws -> [String] {
        var warnings: [String] = []
        roleType = try fields.string("role_type") ?? "oidc"
        guard ["jwt", "oidc"].contains(roleType) else { throw MountError.badRequest("invalid 'role_type': \(roleType)") }
        try token.update(from: fields)

        if let value = try fields.string("user_claim") { userClaim = value }
        if let value = try fields.bool("user_claim_json_pointer") { userClaimJSONPointer = value }
        if let value = try fields.stringList("bound_audiences") { boundAudiences = value }
        if let value = try fields.string("bound_subject") { boundSubject = value }
        if let value = try fields.map("bound_claims") { boundClaims = value }
        boundClaimsType = try fields.string("bound_claims_type") ?? "string"
        if let value = try Self.claimMappings(fields) { claimMappings = value }
        if let value = try fields.string("groups_claim") { groupsClaim = value }
        if let value = try fields.duration("clock_skew_leeway") { clockSkewLeeway = value }
        if let value = try fields.duration("expiration_leeway") { expirationLeeway = value }
        if let value = try fields.duration("not_before_leeway") { notBeforeLeeway = value }
        if let value = try fields.bool("verbose_oidc_logging") {
            verboseOIDCLogging = value
            if value {
                warnings.append(
                    "verbose_oidc_logging has been enabled for this role. This is not recommended in production since sensitive information may be present in OIDC responses."
                )
            }
        }
        if let value = try fields.bool("token_policies_template_claims") { tokenPoliciesTemplateClaims = value }
        if let value = try fields.stringList("allowed_redirect_uris") { allowedRedirectURIs = value }
        if let value = try fields.stringList("oidc_scopes") { oidcScopes = value }
        callbackMode = try fields.string("callback_mode") ?? "client"
        guard ["client", "direct", "device"].contains(callbackMode) else {
            throw MountError.badRequest("invalid 'callback_mode': \(callbackMode)")
        }
        if let value = try fields.duration("max_age") { maxAge = value }
        if let value = try fields.duration("poll_interval") { pollInterval = value }
        if let value = try fields.stringList("oauth2_metadata") { oauth2Metadata = value }
        oidcDisableConfirmation = try fields.bool("oidc_disable_confirmation") ?? false

        try validate()
        if token.maxTTL > TokenSettings.systemTTL {
            warnings.append(
                "token max ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated"
            )
        }
        return warnings
    }

    /// The cross-field checks, in OpenBao's order (§2.2).
    func validate() throws {
        guard ["string", "glob"].contains(boundClaimsType) else {
            throw MountError.badRequest("invalid 'bound_claims_type': \(boundClaimsType)")
        }
        if boundClaimsType == "glob", let boundClaims {
            for value in boundClaims.values {
                switch value {
                case .string: continue
                case .array(let items):
                    if let bad = items.first(where: { $0.stringValue == nil }) {
                        throw MountError.badRequest("claim is not a string: \(ClaimLookup.goFormat(bad))")
                    }
                default:
                    throw MountError.badRequest("claim is not a string or list: \(ClaimLookup.goFormat(value))")
                }
            }
        }
        if let claimMappings {
            if claimMappings.values.contains("role") {
                throw MountError.badRequest("metadata key \"role\" is reserved and may not be a mapping destination")
            }
            var seen = Set<String>()
            for target in claimMappings.sorted(by: { $0.key < $1.key }).map(\.value) where !seen.insert(target).inserted {
                throw MountError.badRequest("multiple keys are mapped to metadata key \"\(target)\"")
            }
        }
        guard !userClaim.isEmpty else { throw MountError.badRequest("a user claim must be defined on the role") }
        if roleType == "oidc", (allowedRedirectURIs ?? []).isEmpty {
            throw MountError.badRequest("'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.")
        }
        if roleType == "jwt", (boundAudiences ?? []).isEmpty, boundSubject.isEmpty, (boundClaims ?? [:]).isEmpty, token.boundCIDRs.isEmpty {
            throw MountError.badRequest("must have at least one bound constraint when creating/updating a role")
        }
    }

    /// `claim_mappings` as an object, a JSON-object string, or a list of `key=value`.
    static func claimMappings(_ fields: RequestFields) throws -> [String: String]? {
        if case .array(let items)? = fields.raw["claim_mappings"] {
            var result: [String: String] = [:]
            for item in items {
                let parts = (item.stringValue ?? "").split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else {
                    throw MountError.badRequest("error converting input for field \"claim_mappings\": invalid key/value pair")
                }
                result[parts[0]] = parts[1]
            }
            return result
        }
        guard let map = try fields.map("claim_mappings") else { return nil }
        return try map.mapValues { value in
            guard let text = value.stringValue else {
                throw MountError.badRequest("error converting input for field \"claim_mappings\": values must be strings")
            }
            return text
        }
    }
}
