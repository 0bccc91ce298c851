import CofferMountKit

extension JWTAuthMount: LoginExplaining {
    /// The login's own preparation and decision on the request's fields. A JWT
    /// login spends nothing, so running it is the explanation; only the token
    /// is not minted (the decision never mints one).
    package func explainLogin(_ request: MountRequest) async throws -> LoginExplanation {
        let (login, jwt) = try await preparedLogin(request)
        let decision = try await login.decide(jwt: jwt, clientAddress: request.clientAddress, mountPath: request.mountPath)
        return LoginExplanation(decision, method: "jwt", role: login.roleName)
    }
}
