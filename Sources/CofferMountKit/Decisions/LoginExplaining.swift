/// An auth method whose logins `sys/explain/login` can explain.
///
/// The explanation must come from the login's own decision function, run on
/// the same fields, with nothing minted and nothing spent (no secret-ID use,
/// no lockout count): a second implementation of the checks could tell a story
/// the login does not follow.
package protocol LoginExplaining: Mount {
    /// The login's decision on `request` (its fields as the login path takes
    /// them), explained. Throws what the login throws before it decides (no
    /// role, no config), with the same message.
    func explainLogin(_ request: MountRequest) async throws -> LoginExplanation
}
