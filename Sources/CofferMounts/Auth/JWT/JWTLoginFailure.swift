import CofferMountKit

/// The checks of a JWT login as it runs them.
typealias JWTLoginChecks = LoginDecision<JWTLoginFailure>.Builder

/// Why a JWT login is refused: one case per refusal the plugin can give, in the
/// order of spec/jwt-auth.md §3.2. `error` is the one place their messages live.
enum JWTLoginFailure: LoginFailure, Error {
    /// The client address is outside the role's `token_bound_cidrs` (step 6, a 403).
    case boundCIDRs
    /// The key set could not be fetched or configured; the text is the whole message.
    case keySet(String)
    /// The JWS is malformed or no key verifies it; the detail is go-jose's / go-oidc's text.
    case signature(String)
    case payloadNotObject
    case algorithm
    /// `iss`, `sub` or `jti` is not a string; the Go type name of what it is.
    case claimType(claim: String, goType: String)
    case audienceType
    case numericDateType
    case issuer
    case subject
    case audience
    case noTimeClaims
    case notYetValid
    case expired
    case issuedInFuture
    case audienceNotBound
    case userClaimMissing(String)
    case userClaimNotString(String)
    case claimMappingNotString(String)
    case groupsClaimMissing(String)
    case groupsClaimNotList(String)
    /// A group that is not a string, as Go's `%v` prints it.
    case groupNotString(String)
    case boundClaimMissing(String)
    /// A bound claim whose value is an object, as Go's `%v` prints it.
    case boundClaimNotScalar(String)
    case boundClaimMismatch(String)

    /// The refusal exactly as OpenBao words it (the e2e tests compare them byte for byte).
    var error: MountError {
        switch self {
        case .boundCIDRs: MountError(.permissionDenied, ["permission denied"])
        case .keySet(let message): .badRequest(message)
        case .signature(let detail): .badRequest("error validating token: error verifying token signature: \(detail)")
        case .payloadNotObject: .badRequest("error validating token: payload is not a JSON object")
        case .algorithm:
            .badRequest("error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm")
        case .claimType(let claim, let goType):
            .badRequest("error validating token: json: cannot unmarshal \(goType) into Go struct field Claims.\(claim) of type string")
        case .audienceType:
            .badRequest("error validating token: go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience")
        case .numericDateType:
            .badRequest("error validating token: go-jose/go-jose/jwt: expected number value to unmarshal NumericDate")
        case .issuer: .badRequest("error validating token: invalid issuer (iss) claim")
        case .subject: .badRequest("error validating token: invalid subject (sub) claim")
        case .audience:
            .badRequest("error validating token: invalid audience (aud) claim: audience claim does not match any expected audience")
        case .noTimeClaims:
            .badRequest("error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token")
        case .notYetValid: .badRequest("error validating token: invalid not before (nbf) claim: token not yet valid")
        case .expired: .badRequest("error validating token: invalid expiration time (exp) claim: token is expired")
        case .issuedInFuture: .badRequest("error validating token: invalid issued at (iat) claim: token issued in the future")
        case .audienceNotBound: .badRequest("audience claim found in JWT but no audiences bound to the role")
        case .userClaimMissing(let claim): .badRequest("claim \"\(claim)\" not found in token")
        case .userClaimNotString(let claim): .badRequest("claim \"\(claim)\" could not be converted to string")
        case .claimMappingNotString(let claim): .badRequest("error converting claim '\(claim)' to string")
        case .groupsClaimMissing(let claim): .badRequest("failed to fetch groups: \"\(claim)\" claim not found in token")
        case .groupsClaimNotList(let claim): .badRequest("\"\(claim)\" claim could not be converted to string list")
        case .groupNotString(let value): .badRequest("value \(value) in groups claim could not be parsed as string")
        case .boundClaimMissing(let key): .badRequest("error validating claims: claim \"\(key)\" is missing")
        case .boundClaimNotScalar(let value):
            .badRequest("error validating claims: received claim is not a string, bool, int or list: \(value)")
        case .boundClaimMismatch(let key):
            .badRequest("error validating claims: claim \"\(key)\" does not match any associated bound claim values")
        }
    }
}
