/// The detector families of spec §3; used for grouping, SARIF tags and `rules list`.
public enum RuleFamily: String, Sendable, Codable, CaseIterable {
    case cloudKeys = "cloud-keys"
    case vcsTokens = "vcs-ci-tokens"
    case chatWebhooks = "chat-webhooks"
    case saasAPIs = "saas-api-keys"
    case secretManagers = "secret-managers"
    case privateKeys = "private-keys"
    case jwt = "jwt"
    case connectionStrings = "connection-strings"
    case configFiles = "config-file-credentials"
    case shellAuth = "http-auth-in-shell"
    case generic = "generic-assignment"
    case highEntropy = "high-entropy"
    case circleci = "circleci"
    case custom = "custom"

    /// Overlap resolution: when two rules capture overlapping spans, the more specific family wins.
    var specificity: Int {
        switch self {
        case .highEntropy: 0
        case .generic: 1
        case .configFiles, .shellAuth, .connectionStrings, .circleci, .custom: 2
        case .jwt: 3
        case .cloudKeys, .vcsTokens, .chatWebhooks, .saasAPIs, .secretManagers, .privateKeys: 4
        }
    }
}
