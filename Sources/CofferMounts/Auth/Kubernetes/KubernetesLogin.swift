import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/<mount>/login`: the local checks first, in OpenBao's order, then the
/// API server's word (spec/vault-api.md §10.3), decided into a `LoginDecision`
/// that lists each check. A token that fails a local check never reaches the
/// API server. Decides what token to mint; mints nothing.
struct KubernetesLogin {
    let settings: KubernetesMountState.Settings
    let role: KubernetesRole
    let roleName: String
    let now: Date

    /// The reviewer's bearer: the configured JWT, else the pod's own token,
    /// else (nil) the client's JWT, as OpenBao falls back.
    var reviewerJWT: String? { settings.reviewerJWT }

    func decide(jwt: String, clientAddress: String?, mountPath: String) async throws -> LoginDecision<KubernetesLoginFailure> {
        try await .run { log in
            try checkClientAddress(clientAddress, &log)
            let claims = try verifiedClaims(jwt, &log)
            try ValidatorClaims(config: settings.config, role: role, now: now).check(claims, &log)
            guard let account = ServiceAccountToken(claims: claims) else {
                try log.fail(
                    "service_account_claims", expected: "string name, namespace and uid claims", actual: "a claim of another type",
                    .serviceAccountClaims)
            }
            try checkName(account, &log)
            try await checkNamespace(account, &log)
            if account.uid.isEmpty {
                try log.fail("service_account_uid", expected: "a uid claim", actual: "missing", .serviceAccountClaims)
            }
            try await review(jwt, account, &log)
            return auth(account, mountPath: mountPath)
        }
    }

    /// The role's `token_bound_cidrs` apply to the login itself (a 403).
    private func checkClientAddress(_ address: String?, _ log: inout KubernetesLoginChecks) throws {
        let cidrs = role.token.boundCIDRs
        guard !cidrs.isEmpty else { return log.skip("bound_cidrs") }
        let expected = "an address in \(cidrs.joined(separator: ", "))"
        guard CIDRBlock.anyContains(cidrs, address) else {
            try log.fail("bound_cidrs", expected: expected, actual: address ?? "unknown", .boundCIDRs)
        }
        log.pass("bound_cidrs", expected: expected, actual: address ?? "unknown")
    }

    /// The JWS and its claims; its signature is checked only when `pem_keys`
    /// is set (else the TokenReview is the only proof, as in OpenBao).
    private func verifiedClaims(_ jwt: String, _ log: inout KubernetesLoginChecks) throws -> [String: JSONValue] {
        let token = CompactJWS(jwt)
        let format = "a JWS signed with one of \(Self.algorithms.joined(separator: ", "))"
        guard token.parts.count == 3, let headerBytes = Base64URL.decode(token.parts[0]),
            case .object(let header)? = try? JSONValue.parse(headerBytes),
            let alg = header["alg"]?.stringValue, Self.algorithms.contains(alg),
            let payload = Base64URL.decode(token.parts[1]), case .object(let claims)? = try? JSONValue.parse(payload)
        else {
            try log.fail("jws", expected: format, actual: "malformed", .signature)
        }
        log.pass("jws", expected: format, actual: "alg \"\(alg)\", \(claims.count) claims")
        guard let keys = settings.signatureKeys else {
            log.skip("signature", expected: "no pem_keys: the TokenReview vouches for the token")
            return claims
        }
        let signature = Base64URL.decode(token.parts[2]) ?? []
        guard keys.verifies(signature: signature, signingInput: token.signingInput, alg: alg, kid: nil) else {
            try log.fail("signature", expected: "signed by a configured pem_keys key", actual: "not verified", .signature)
        }
        log.pass("signature", expected: "signed by a configured pem_keys key", actual: "verified")
        return claims
    }

    /// The algorithms OpenBao's plugin accepts for service-account tokens.
    static let algorithms = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]

    private func checkName(_ account: ServiceAccountToken, _ log: inout KubernetesLoginChecks) throws {
        let expected = "one of \(role.serviceAccountNames)"
        guard ServiceAccountBinding.allows(role.serviceAccountNames, account.name) else {
            try log.fail("bound_service_account_names", expected: expected, actual: account.name, .name)
        }
        log.pass("bound_service_account_names", expected: expected, actual: account.name)
    }

    /// The namespace globs, else the label selector against the namespace's
    /// labels as the API server reads them (the two are ORed, as in OpenBao).
    private func checkNamespace(_ account: ServiceAccountToken, _ log: inout KubernetesLoginChecks) async throws {
        let globs = role.serviceAccountNamespaces
        let name = "bound_service_account_namespaces"
        if !globs.isEmpty, ServiceAccountBinding.allows(globs, account.namespace) {
            return log.pass(name, expected: "one of \(globs)", actual: account.namespace)
        }
        guard !role.namespaceSelector.isEmpty else {
            try log.fail(name, expected: "one of \(globs)", actual: account.namespace, .namespace)
        }
        let selectorName = "bound_service_account_namespace_selector"
        let expected = "a namespace whose labels match \(role.namespaceSelector)"
        do throws(TokenReview.Refusal) {
            let selector: NamespaceSelector
            do {
                selector = try NamespaceSelector(parsing: role.namespaceSelector)
            } catch {
                throw TokenReview.Refusal(description: "the stored selector is invalid: \(error)")
            }
            guard ServiceAccountToken.isNamespaceName(account.namespace) else {
                throw TokenReview.Refusal(description: "\(account.namespace) is not a namespace name")
            }
            guard let bearer = reviewerJWT else {
                throw TokenReview.Refusal(
                    description: "namespace lookup failed: TokenReviewer JWT needs to be configured to use namespace selectors")
            }
            let answer: KubernetesAPIClient.Answer
            do {
                answer = try await settings.client.namespace(account.namespace, bearer: bearer)
            } catch {
                throw TokenReview.Refusal(description: error.description)
            }
            let labels = try TokenReview.namespaceLabels(status: answer.status, body: answer.body)
            guard selector.selects(labels) else {
                let shown = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                throw TokenReview.Refusal(description: "namespace \(account.namespace) has labels {\(shown)}")
            }
            log.pass(selectorName, expected: expected, actual: "namespace \(account.namespace) matches")
        } catch {
            try log.fail(selectorName, expected: expected, actual: error.description, .namespace)
        }
    }

    /// The API server's TokenReview, and every check of its answer.
    private func review(_ jwt: String, _ account: ServiceAccountToken, _ log: inout KubernetesLoginChecks) async throws {
        let audiences = role.audience.isEmpty ? account.audiences : [role.audience]
        let expected = "authenticated as \(account.username), uid \(account.uid)"
        do throws(TokenReview.Refusal) {
            let answer: KubernetesAPIClient.Answer
            do {
                answer = try await settings.client.review(
                    body: TokenReview.requestBody(token: jwt, audiences: audiences), bearer: reviewerJWT ?? jwt)
            } catch {
                throw TokenReview.Refusal(description: error.description)
            }
            let reviewed = try TokenReview.interpret(status: answer.status, body: answer.body, audiences: audiences)
            try TokenReview.confirm(reviewed, claims: account)
            log.pass("token_review", expected: expected, actual: "confirmed by \(settings.config.host)")
        } catch {
            try log.fail("token_review", expected: expected, actual: error.description, .tokenReview)
        }
    }

    /// The token to mint: the role's policies and settings, the metadata and
    /// alias OpenBao gives.
    private func auth(_ account: ServiceAccountToken, mountPath: String) -> MountAuth {
        let mountName = mountPath.hasPrefix("auth/") ? String(mountPath.dropFirst(5)) : mountPath
        let alias =
            switch role.aliasNameSource {
            case .serviceAccountUID: account.uid
            case .serviceAccountName: "\(account.namespace)/\(account.name)"
            }
        // The identity alias carries the service account; the token also the role.
        let accountMetadata = [
            "service_account_name": account.name,
            "service_account_namespace": account.namespace,
            "service_account_secret_name": account.secretName,
            "service_account_uid": account.uid,
        ]
        return MountAuth(
            policies: role.token.policies,
            displayName: mountName.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "-")
                + "\(account.namespace)-\(account.name)",
            metadata: accountMetadata.merging(["role": roleName]) { _, role in role },
            tokenSettings: role.token,
            aliasName: alias,
            aliasMetadata: accountMetadata
        )
    }
}
