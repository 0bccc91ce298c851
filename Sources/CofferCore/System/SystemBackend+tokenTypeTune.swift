import CofferMountKit

extension SystemBackend {
    /// The kinds of token an auth mount may be tuned to issue: a `default-`
    /// kind lets each role choose, the others decide for every role.
    static let mountTokenTypes: Set<String> = ["default-service", "default-batch", "service", "batch"]

    /// Applies `token_type` of a tune (or of `config` when enabling) to `entry`,
    /// with OpenBao's rules and messages; an empty value resets it.
    static func tuneTokenType(_ entry: inout MountEntry, _ value: String?) throws {
        guard let value else { return }
        guard entry.table == .auth else { throw CoreError.badRequest("'token_type' can only be modified on auth mounts") }
        // The token store's own tokens are always service tokens (OpenBao's rule).
        guard entry.type != "token" else {
            throw CoreError.badRequest("'token_type' cannot be set for 'token' or 'ns_token' auth mounts")
        }
        if value.isEmpty {
            entry.config.tokenType = "default-service"
            return
        }
        guard mountTokenTypes.contains(value) else { throw CoreError.badRequest("invalid value for 'token_type'") }
        entry.config.tokenType = value
    }
}
