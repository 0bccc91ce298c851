/// Config-file credentials, shell HTTP auth and the generic and high-entropy rules (spec §3).
extension RuleCatalog {
    static let configFileRules: [Rule] = [
        Rule(
            id: "npmrc-auth-token", family: .configFiles, description: "npm registry auth token in .npmrc",
            severity: .high, keywords: ["_authtoken", "_auth", "_password"],
            matcher: AssignmentMatcher(mode: .literal(fileNames: nil, keys: ["_authtoken", "_auth", "_password"]))),
        Rule(
            id: "pypirc-password", family: .configFiles, description: "Password in .pypirc", severity: .high,
            keywords: ["password"], matcher: AssignmentMatcher(mode: .literal(fileNames: [".pypirc"], keys: ["password"]))),
        Rule(
            id: "netrc-password", family: .configFiles, description: "Password in .netrc", severity: .high,
            keywords: ["password"], matcher: AssignmentMatcher(mode: .netrc)),
        Rule(
            id: "docker-config-auth", family: .configFiles, description: "Registry credentials in a Docker config.json `auth`",
            severity: .high, keywords: ["\"auth\""], matcher: AssignmentMatcher(mode: .dockerAuth)),
    ]

    static let shellRules: [Rule] = [
        Rule(
            id: "curl-auth-user", family: .shellAuth, description: "Password passed to curl -u", severity: .high,
            keywords: ["curl "], matcher: ShellAuthMatcher(kind: .curlUser)),
        Rule(
            id: "curl-auth-header", family: .shellAuth, description: "Credential in an Authorization header",
            severity: .high, keywords: ["authorization:"], publicPrefixes: [], matcher: ShellAuthMatcher(kind: .authorizationHeader)),
        Rule(
            id: "wget-password", family: .shellAuth, description: "Password passed to wget", severity: .high,
            keywords: ["--password=", "--http-password="], matcher: ShellAuthMatcher(kind: .passwordFlag)),
        Rule(
            id: "docker-login-password", family: .shellAuth, description: "Password passed to docker login -p",
            severity: .high, keywords: ["docker login"], matcher: ShellAuthMatcher(kind: .dockerLogin)),
    ]

    static let genericRules: [Rule] = [
        Rule(
            id: "generic-secret-assignment", family: .generic, description: "Secret-looking value assigned to a secret-looking key",
            severity: .medium,
            keywords: [
                "password", "passwd", "pwd", "secret", "token", "api_key", "api-key", "apikey", "access_key",
                "access-key", "accesskey", "private_key", "private-key", "privatekey", "credential", "auth",
            ],
            matcher: AssignmentMatcher(mode: .generic)),
        Rule(
            id: "high-entropy-base64", family: .highEntropy, description: "High-entropy base64 string",
            severity: .medium, keywords: [], enabledByDefault: false, matcher: SourceProducedMatcher()),
        Rule(
            id: "high-entropy-hex", family: .highEntropy, description: "High-entropy hex string",
            severity: .medium, keywords: [], enabledByDefault: false, matcher: SourceProducedMatcher()),
        Rule(
            id: "circleci-inline-credential", family: .circleci,
            description: "Literal credential under a secret-looking key in a CircleCI config", severity: .high,
            keywords: [],
            remediation: "Move the value to Coffer and have the job read it at run time (OIDC login), or to a restricted context.",
            matcher: SourceProducedMatcher()),
    ]

    /// The whole-fragment matchers for the high-entropy rules, by rule id.
    static let wholeFragmentMatchers: [String: any WholeFragmentMatcher] = [
        "high-entropy-base64": HighEntropyMatcher(flavor: .base64),
        "high-entropy-hex": HighEntropyMatcher(flavor: .hex),
    ]
}
