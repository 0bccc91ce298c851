import CofferMountKit

/// Why an AppRole login is refused; `error` words each refusal as OpenBao's
/// AppRole does, statuses and `%!w(<nil>)` quirks included.
enum AppRoleLoginFailure: LoginFailure {
    case missingRoleID
    /// No role has this role ID (or its role is gone).
    case unknownRoleID
    /// The client address is outside the role's `secret_id_bound_cidrs`.
    case roleCIDRs(address: String)
    case missingSecretID
    /// No such secret ID for the role: a guess, which user lockout counts.
    case unknownSecretID
    case secretIDExpired
    /// The client address is outside the secret ID's `cidr_list`.
    case secretIDCIDRs(address: String)

    var error: MountError {
        switch self {
        // A 500 in OpenBao, unlike every other refusal here.
        case .missingRoleID: .internal("missing role_id")
        case .unknownRoleID, .secretIDExpired: .badRequest("invalid role or secret ID")
        case .roleCIDRs(let address):
            .badRequest("source address \"\(address)\" unauthorized by CIDR restrictions on the role: %!w(<nil>)")
        case .missingSecretID: .badRequest("missing secret_id")
        // OpenBao returns ErrInvalidCredentials here and only here.
        case .unknownSecretID: .invalidCredentials("invalid role or secret ID")
        case .secretIDCIDRs(let address):
            .badRequest("source address \"\(address)\" unauthorized through CIDR restrictions on the secret ID")
        }
    }
}
