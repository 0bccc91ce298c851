extension LoginDecision {
    /// The token description, or the refusal thrown with the decision's summary
    /// attached for the audit and server logs. The client still gets only the
    /// mount's (Vault's) message. The summary is worded only on a refusal, so a
    /// granted login pays nothing for it.
    package func grantedAuth(method: String, role: @autoclosure () -> String) throws -> MountAuth {
        if let auth { return auth }
        let error = self.error ?? MountError(.permissionDenied, ["permission denied"])
        throw error.explained(LoginExplanation(self, method: method, role: role()).summary)
    }
}
