import CofferMountKit

extension CertAuthMount: LoginRenewing {
    /// With binding on (the default), a token from a cert login is renewed only
    /// over a connection that presents the login's certificate (same serial
    /// number and key ids), which the login's role still takes; and only while
    /// the role exists with the same policies (OpenBao's `pathLoginRenew`).
    /// OpenBao accepts any certificate with the login's subject *or* authority
    /// key id, that is any certificate of the same CA; here it must be the same one.
    package func checkRenewal(_ request: MountRequest, metadata: [String: String], policies: [String]) async throws {
        let roleName = metadata["cert_name"] ?? ""
        if !(try await loadConfig().disableBinding) {
            let renewal = MountRequest(
                operation: .update, path: request.path, fields: RequestFields(["name": .string(roleName)]),
                storage: request.storage, mountPath: request.mountPath, clientAddress: request.clientAddress,
                peerCertificates: request.peerCertificates)
            let decision = try await decideLogin(renewal)
            let auth = try decision.grantedAuth(method: "cert", role: roleName)
            let sameCertificate = ["serial_number", "subject_key_id", "authority_key_id"].allSatisfy {
                auth.metadata[$0] == metadata[$0]
            }
            guard sameCertificate else {
                throw MountError.internal("client identity during renewal not matching client identity used during login")
            }
        }
        guard let role = try await loadRole(roleName) else {
            throw MountError.badRequest("the role \(roleName) of this token no longer exists")
        }
        let current = Set(role.token.policies.filter { $0 != "default" })
        guard current == Set(policies.filter { $0 != "default" }) else {
            throw MountError.internal("policies have changed, not renewing")
        }
    }
}
