/// Source-control and CI tokens (spec §3, "VCS / CI tokens").
extension RuleCatalog {
    static let vcsRules: [Rule] = [
        token(
            "github-pat", .vcsTokens, "GitHub personal access token (classic)", .high,
            prefixes: ["ghp_"], body: .run(.alnum, 36...36), validator: .crc32Base62),
        token(
            "github-oauth", .vcsTokens, "GitHub OAuth access token", .high,
            prefixes: ["gho_"], body: .run(.alnum, 36...36), validator: .crc32Base62),
        token(
            "github-app-token", .vcsTokens, "GitHub App user-to-server or installation token", .high,
            prefixes: ["ghu_", "ghs_"], body: .run(.alnum, 36...36), validator: .crc32Base62),
        token(
            "github-refresh-token", .vcsTokens, "GitHub refresh token", .high,
            prefixes: ["ghr_"], body: .run(.alnum, 36...76), validator: .crc32Base62),
        token(
            "github-fine-grained-pat", .vcsTokens, "GitHub fine-grained personal access token", .high,
            prefixes: ["github_pat_"], body: .run(.word, 82...82)),
        token(
            "gitlab-pat", .vcsTokens, "GitLab personal access token", .high,
            prefixes: ["glpat-"], body: .run([.wordDash, .dot], 20...300)),
        token(
            "gitlab-pipeline-trigger-token", .vcsTokens, "GitLab pipeline trigger token", .high,
            prefixes: ["glptt-"], body: .run(.lowerHex, 40...40)),
        token(
            "gitlab-runner-token", .vcsTokens, "GitLab runner authentication token", .high,
            prefixes: ["glrt-"], body: .run([.wordDash, .dot], 20...300)),
        token(
            "gitlab-deploy-token", .vcsTokens, "GitLab deploy token", .high,
            prefixes: ["gldt-"], body: .run([.wordDash, .dot], 20...300)),
        token(
            "circleci-personal-token", .vcsTokens, "CircleCI personal API token", .high,
            prefixes: ["CCIPAT_"], body: TokenShape([.run(.alnum, 22...22), .text("_"), .run(.lowerHex, 40...40)])),
        token(
            "circleci-project-token", .vcsTokens, "CircleCI project API token", .high,
            prefixes: ["CCIPRJ_"], body: TokenShape([.run(.alnum, 22...22), .text("_"), .run(.lowerHex, 40...40)])),
        Rule(
            id: "circleci-legacy-token", family: .vcsTokens, description: "CircleCI legacy API token (40 hex near `circle`)",
            severity: .high, keywords: ["circle"],
            matcher: KeywordGatedMatcher(
                runClass: .hex, length: 40...40, lineRadius: 0,
                accepts: { bytes in bytes.allSatisfy { ByteClass.lowerHex.contains(byte: $0) } }, minEntropy: 3.0)),
        token(
            "bitbucket-app-password", .vcsTokens, "Bitbucket app password", .high,
            prefixes: ["ATBB"], body: .run(.alnum, 32...32)),
        token(
            "atlassian-api-token", .vcsTokens, "Atlassian API token", .high,
            prefixes: ["ATATT3"], body: .run([.wordDash, .equals], 150...250)),
        token(
            "npm-token", .vcsTokens, "npm access token", .high,
            prefixes: ["npm_"], body: .run(.alnum, 36...36), validator: .crc32Base62),
        token(
            "pypi-token", .vcsTokens, "PyPI upload token", .high,
            prefixes: ["pypi-AgEIcHlwaS5vcmc"], body: .run(.wordDash, 50...1000)),
        token(
            "rubygems-api-key", .vcsTokens, "RubyGems API key", .high,
            prefixes: ["rubygems_"], body: .run(.lowerHex, 48...48)),
        token(
            "dockerhub-pat", .vcsTokens, "Docker Hub personal access token", .high,
            prefixes: ["dckr_pat_"], body: .run(.wordDash, 27...27)),
        token(
            "dockerhub-oat", .vcsTokens, "Docker Hub organization access token", .high,
            prefixes: ["dckr_oat_"], body: .run(.wordDash, 32...32)),
    ]
}
