import CofferEncoding
import CofferMountKit
import Foundation
import X509

extension CertAuthMount {
    /// A role as a login tries it: its name, settings and parsed certificates.
    struct CandidateRole: Sendable {
        let name: String
        let role: CertRole
        let certificates: [Certificate]
        var isCA: Bool { CertRole.isCA(certificates[0]) }
    }

    /// `auth/cert/login`: the connection's certificate in, a token description out.
    func login(_ request: MountRequest) async throws -> MountResponse {
        let decision = try await decideLogin(request, explaining: false)
        var response = MountResponse()
        response.auth = try decision.grantedAuth(method: "cert", role: (try? request.fields.string("name")) ?? "")
        return response
    }

    /// Every check of a cert login, in OpenBao's order: a certificate at all, the
    /// leaf's dates, roles pinning this very leaf, then roles whose CA the chain
    /// reaches, each in name order; the first role whose constraints all hold wins.
    /// `explaining`: word every check (an explanation, a test), not only the refusal.
    func decideLogin(_ request: MountRequest, explaining: Bool = true) async throws -> LoginDecision<CertLoginFailure> {
        let config = try await loadConfig()
        return try await .run(explaining: explaining) { log in
            let client = try presentedCertificate(request, &log)
            let now = clock()
            let validity = "valid at \(Timestamps.rfc3339(now))"
            if let problem = CertChainVerifier.validityProblem(client.certificate, now: now) {
                try log.fail("validity", expected: validity, actual: problem, .verificationFailed(reason: problem))
            }
            log.pass("validity", expected: validity, actual: "valid")
            // Read before the roles: a chain verified against roles a write has
            // since replaced is not kept.
            let generation = state.generation
            let roles = try await candidateRoles(named: try request.fields.string("name") ?? "")
            let revoked = try await revokedSerials()
            for candidate in roles where !candidate.isCA {
                guard candidate.certificates[0] == client.certificate else { continue }
                if try await satisfies(candidate, client, chain: candidate.certificates, revoked: revoked, &log) {
                    return auth(candidate, client, request.mountPath, config)
                }
            }
            let trusted = try await trustedChains(client, request, roles.filter(\.isCA), now: now, generation: generation, &log)
            for (candidate, chain) in trusted {
                if try await satisfies(candidate, client, chain: chain, revoked: revoked, &log) {
                    return auth(candidate, client, request.mountPath, config)
                }
            }
            // The summary names why the last role tried passed it over.
            let last = log.checks.last { $0.name.hasPrefix("certs/") }
            try log.fail(
                "certs", expected: "a role whose constraints all hold",
                actual: last.map { "\($0.name) wants \($0.expected), got \($0.actual)" } ?? "no role to try", .noMatchingRole)
        }
    }

    private func presentedCertificate(
        _ request: MountRequest, _ log: inout LoginDecision<CertLoginFailure>.Builder
    ) throws -> ClientCertificate {
        let expected = "a certificate on the TLS connection"
        guard let peer = request.peerCertificates, let leaf = peer.chain.first else {
            try log.fail("client_certificate", expected: expected, actual: "none", .noClientCertificate)
        }
        guard let client = try? ClientCertificate(der: leaf) else {
            try log.fail("client_certificate", expected: expected, actual: "unreadable", .unreadable)
        }
        log.pass("client_certificate", expected: expected, actual: peer.leafSubject)
        return client
    }

    /// The roles to try: the one named, else all, in name order (as storage lists them).
    func candidateRoles(named name: String) async throws -> [CandidateRole] {
        let all = try await state.roles { try await loadCandidateRoles() }
        guard !name.isEmpty else { return all }
        let wanted = name.lowercased()
        return all.filter { $0.name == wanted }
    }

    /// Every role that parses, in name order. A role that no longer parses is
    /// passed over, as OpenBao logs and skips it.
    private func loadCandidateRoles() async throws -> [CandidateRole] {
        var roles: [CandidateRole] = []
        for roleName in try await storage.list("cert/").filter({ !$0.hasSuffix("/") }).sorted() {
            guard let role = try await loadRole(roleName), let certificates = PEMCertificates.parse(role.certificate) else { continue }
            roles.append(CandidateRole(name: roleName, role: role, certificates: certificates))
        }
        return roles
    }

    /// Each CA role the client's chain reaches, with that chain. None at all is
    /// a refusal: a broken chain (an expired intermediate, say) as OpenBao's
    /// verification error, else as an untrusted certificate.
    private func trustedChains(
        _ client: ClientCertificate, _ request: MountRequest, _ roles: [CandidateRole], now: Date, generation: Int,
        _ log: inout LoginDecision<CertLoginFailure>.Builder
    ) async throws -> [(CandidateRole, [Certificate])] {
        let intermediates = (request.peerCertificates?.chain.dropFirst() ?? []).prefix(PEMCertificates.maxCount)
            .compactMap { try? Certificate(derEncoded: $0) }
        var trusted: [(CandidateRole, [Certificate])] = []
        var broken: String?
        let presented = request.peerCertificates?.chain.prefix(PEMCertificates.maxCount + 1).map { $0 } ?? []
        for candidate in roles {
            let key = CertMountState.ChainKey(presented: presented, role: candidate.name)
            if let chain = state.verifiedChain(key, now: now) {
                trusted.append((candidate, chain))
                continue
            }
            switch await CertChainVerifier.verify(
                leaf: client.certificate, intermediates: intermediates, roots: candidate.certificates, now: now)
            {
            case .trusted(let chain):
                state.keep(chain, for: key, verifiedAt: now, generation: generation)
                trusted.append((candidate, chain))
            case .untrusted: continue
            case .invalid(let reason): broken = broken ?? reason
            }
        }
        let expected = "a chain to the CA of a role"
        if trusted.isEmpty {
            if let broken { try log.fail("chain", expected: expected, actual: broken, .verificationFailed(reason: broken)) }
            try log.fail("chain", expected: expected, actual: "no role's CA issued it", .untrusted)
        }
        log.pass("chain", expected: expected, actual: "reaches " + trusted.map(\.0.name).joined(separator: ", "))
        return trusted
    }

    /// Whether one role takes the client: nothing in the chain revoked, every
    /// constraint, then OCSP. A role that does not is noted and passed over.
    private func satisfies(
        _ candidate: CandidateRole, _ client: ClientCertificate, chain: [Certificate], revoked: Set<String>,
        _ log: inout LoginDecision<CertLoginFailure>.Builder
    ) async throws -> Bool {
        let role = "certs/" + candidate.name
        if let serial = chain.lazy.map({ SerialNumbers.decimal($0.serialNumber.bytes) }).first(where: revoked.contains) {
            log.skip(role, expected: "no certificate of the chain on a CRL", actual: "serial \(serial) is revoked")
            return false
        }
        let checks = CertConstraints(role: candidate.role).evaluate(client)
        if let failed = checks.first(where: { !$0.passed }) {
            log.skip(role, expected: "\(failed.name): \(failed.expected)", actual: failed.actual)
            return false
        }
        if candidate.role.ocspEnabled, chain.count >= 2 {
            if let refusal = await ocsp.refusal(chain: chain, role: candidate.role, now: clock()) {
                log.skip(role, expected: "OCSP status good", actual: refusal)
                return false
            }
        }
        log.pass(role, expected: "every constraint", actual: "all hold")
        return true
    }

    /// With `enable_identity_alias_metadata`, the identity alias carries the
    /// token's metadata too (OpenBao's switch; off by default).
    private func auth(_ candidate: CandidateRole, _ client: ClientCertificate, _ mountPath: String, _ config: CertAuthConfig) -> MountAuth {
        var metadata = client.metadata
        metadata.merge(CertConstraints(role: candidate.role).metadata(client)) { own, _ in own }
        metadata["cert_name"] = candidate.name
        let mountName = mountPath.hasPrefix("auth/") ? String(mountPath.dropFirst(5)) : mountPath
        return MountAuth(
            policies: candidate.role.token.policies,
            displayName: mountName.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "-")
                + candidate.role.displayName,
            metadata: metadata, tokenSettings: candidate.role.token, aliasName: client.commonName,
            aliasMetadata: config.enableIdentityAliasMetadata ? metadata : [:])
    }
}
