import Foundation
import JWTKit

/// Signs CircleCI-shaped tokens with the store's current key (RS256, opaque `kid`,
/// `typ: JWT`), as `circleci run oidc get` would print them.
package struct TokenMinter: Sendable {
    /// CircleCI's own issuer base; `iss` is `<base>/org/<org-id>`.
    package static let circleCIBase = "https://oidc.circleci.com"
    /// CircleCI's default token lifetime.
    package static let defaultTTL: Int64 = 3600

    let keys: SigningKeyStore

    package init(keys: SigningKeyStore) { self.keys = keys }

    /// The issuer URL of an org under `base` (or `base` itself for the root issuer).
    package static func issuer(base: String, orgID: String, root: Bool) -> String {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return root ? trimmed : "\(trimmed)/org/\(orgID)"
    }

    package func mint(
        job: CircleCIJob, issuerBase: String = circleCIBase, rootIssuer: Bool = false, audience: String? = nil,
        subject: CircleCIClaims.SubjectFormat = .v2, ttl: Int64 = defaultTTL, now: Date = Date()
    ) async throws -> String {
        guard ttl > 0, TimeInterval(ttl) <= SigningKeyStore.maxTokenTTL else {
            throw CIOIDCError("ttl must be between 1s and \(Int(SigningKeyStore.maxTokenTTL / 3600))h")
        }
        let claims = CircleCIClaims(
            job: job, issuer: Self.issuer(base: issuerBase, orgID: job.orgID, root: rootIssuer),
            audience: audience, subject: subject, issuedAt: now, ttl: ttl
        )
        let key = keys.current
        let collection = JWTKeyCollection()
        await collection.add(rsa: key.privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.kid))
        var header = JWTHeader()
        header.typ = "JWT"
        return try await collection.sign(claims, kid: JWKIdentifier(string: key.kid), header: header)
    }
}
