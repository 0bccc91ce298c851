/// Cloud provider keys (spec §3, "Cloud keys").
extension RuleCatalog {
    static let awsKeyID = PrefixedTokenMatcher(
        [
            .init(prefix: Array("AKIA".utf8), shape: .run(.upperBase32, 16...16)),
            .init(prefix: Array("ABIA".utf8), shape: .run(.upperBase32, 16...16)),
            .init(prefix: Array("ACCA".utf8), shape: .run(.upperBase32, 16...16)),
            .init(prefix: Array("A3T".utf8), shape: TokenShape([.run(.upperAlnum, 1...1), .run(.upperBase32, 16...16)])),
            .init(
                prefix: Array("ASIA".utf8), shape: .run(.upperBase32, 16...16), severity: .info,
                tags: ["temporary-credential"]),
        ], rightBoundary: .upperAlnum)

    static let cloudRules: [Rule] = [
        Rule(
            id: "aws-access-key-id", family: .cloudKeys,
            description: "AWS access key id (an identifier; paired with its secret when found)",
            severity: .low, keywords: awsKeyID.keywords, publicPrefixes: ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
            matcher: awsKeyID),
        Rule(
            id: "aws-secret-access-key", family: .cloudKeys, description: "AWS secret access key",
            severity: .high, keywords: ["aws", "akia", "asia", "secret_access_key", "secretaccesskey"],
            remediation: "Deactivate the access key in IAM, then move the workload to OIDC federation or store the key in Coffer.",
            matcher: KeywordGatedMatcher(
                runClass: .base64, length: 40...40, lineRadius: 5,
                accepts: { KeywordGatedMatcher.isMixed($0) }, minEntropy: 4.0, pairWith: awsKeyID)),
        token(
            "gcp-api-key", .cloudKeys, "Google Cloud API key", .high,
            prefixes: ["AIza"], body: .run(.wordDash, 35...35)),
        Rule(
            id: "gcp-service-account", family: .cloudKeys, description: "Google Cloud service account key file",
            severity: .high, keywords: ["service_account"], publicPrefixes: ["-----BEGIN PRIVATE KEY-----"],
            matcher: ServiceAccountMatcher()),
        Rule(
            id: "azure-storage-key", family: .cloudKeys, description: "Azure storage account key",
            severity: .high, keywords: ["accountkey="],
            matcher: PrefixedTokenMatcher(
                prefixes: ["AccountKey=", "accountkey=", "ACCOUNTKEY="],
                body: TokenShape([.run(.base64, 86...86), .text("==")]), leftBoundary: .alnum, rightBoundary: .base64
            )
            .capturingBodyOnly()),
        token(
            "digitalocean-token", .cloudKeys, "DigitalOcean access token", .high,
            prefixes: ["dop_v1_", "doo_v1_", "dor_v1_"], body: .run(.lowerHex, 64...64)),
        token(
            "flyio-token", .cloudKeys, "Fly.io access token", .high,
            prefixes: ["fo1_"], body: .run(.wordDash, 43...43)),
        token(
            "databricks-token", .cloudKeys, "Databricks personal access token", .high,
            prefixes: ["dapi"], body: .run(.lowerHex, 32...32)),
    ]
}
