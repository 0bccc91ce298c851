import CofferMountKit

extension KubernetesAuthMount: LoginExplaining {
    /// The login's own preparation and decision. A Kubernetes login spends
    /// nothing (a TokenReview only reads), so running it is the explanation;
    /// only the token is not minted.
    package func explainLogin(_ request: MountRequest) async throws -> LoginExplanation {
        let (login, jwt) = try await preparedLogin(request)
        let decision = try await login.decide(jwt: jwt, clientAddress: request.clientAddress, mountPath: request.mountPath)
        return LoginExplanation(decision, method: "kubernetes", role: login.roleName)
    }
}
