import CofferMountKit

extension AWSAuthMount: LoginExplaining {
    /// The login's own preparation and decision. An AWS login spends nothing
    /// (GetCallerIdentity only reads), so running it is the explanation; only
    /// the token is not minted.
    package func explainLogin(_ request: MountRequest) async throws -> LoginExplanation {
        let login = try await preparedLogin(request)
        let (decision, role) = try await login.decide(clientAddress: request.clientAddress, mountPath: request.mountPath)
        return LoginExplanation(decision, method: "aws", role: role)
    }
}
