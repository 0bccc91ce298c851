import CofferMountKit
import Foundation

/// One line of the audit log as a value: what happened, before any field is
/// hashed (`AuditRedaction`) and before it becomes bytes (`AuditEntryWriter`).
///
/// Field names follow Vault's `AuditRequestEntry` and `AuditResponseEntry`; an
/// optional left nil is left out of the line, as Go's `omitempty` does.
package struct AuditEntry: Sendable, Equatable {
    package enum Kind: String, Sendable {
        /// Written before the handler runs (or with the refusal).
        case request
        /// Written with the answer the client gets.
        case response
    }

    package var kind: Kind
    /// When the line was made: the broker's injected clock, one instant for every device.
    package var time: Date
    package var auth: AuditAuth
    package var request: AuditRequest
    /// Present on `response` lines only.
    package var response: AuditResponse?
    /// Why the request failed, in clear text (Vault does not hash it).
    package var error: String?
    /// Why a login was refused, check by check (`explain`; Coffer's, not Vault's):
    /// `error` stays Vault's message, which clients and log rules match on. Clear
    /// like `error`: it names claims and settings, never a token or secret value.
    package var explanation: String?

    package init(
        kind: Kind, time: Date, auth: AuditAuth, request: AuditRequest, response: AuditResponse? = nil, error: String? = nil,
        explanation: String? = nil
    ) {
        self.kind = kind
        self.time = time
        self.auth = auth
        self.request = request
        self.response = response
        self.error = error
        self.explanation = explanation
    }
}

/// The `auth` object: the caller's token as the pipeline found it. Without a
/// token (a login, or a refusal before the lookup) only `token_type: default`.
package struct AuditAuth: Sendable, Equatable {
    /// Sensitive (hashed unless `hmac_accessor=false` or `log_raw`).
    package var accessor: String?
    /// Sensitive.
    package var clientToken: String?
    package var displayName: String?
    package var metadata: [String: String]?
    package var policies: [String]?
    package var policyResults: AuditPolicyResults?
    package var tokenIssueTime: Date?
    package var tokenPolicies: [String]?
    /// Written only when positive, as Go's `omitempty` on a zero duration.
    package var tokenTTL: Int64?
    package var tokenType: String

    package init(
        accessor: String? = nil, clientToken: String? = nil, displayName: String? = nil, metadata: [String: String]? = nil,
        policies: [String]? = nil, policyResults: AuditPolicyResults? = nil, tokenIssueTime: Date? = nil,
        tokenPolicies: [String]? = nil, tokenTTL: Int64? = nil, tokenType: String = "default"
    ) {
        self.accessor = accessor
        self.clientToken = clientToken
        self.displayName = displayName
        self.metadata = metadata
        self.policies = policies
        self.policyResults = policyResults
        self.tokenIssueTime = tokenIssueTime
        self.tokenPolicies = tokenPolicies
        self.tokenTTL = tokenTTL
        self.tokenType = tokenType
    }

    /// A request that carried no token that was looked up.
    package static let noToken = AuditAuth()
}

/// The ACL's decision as the audit log shows it.
package struct AuditPolicyResults: Sendable, Equatable {
    package var allowed: Bool
    /// Each is written as an ACL policy of the root namespace.
    package var grantingPolicies: [String]

    package init(allowed: Bool, grantingPolicies: [String]) {
        self.allowed = allowed
        self.grantingPolicies = grantingPolicies
    }
}
