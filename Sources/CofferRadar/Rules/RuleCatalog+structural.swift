/// Private keys, JWTs and connection strings (spec §3).
extension RuleCatalog {
    static let pemHeaders = [
        "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----",
        "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN DSA PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----",
    ]

    static let keyRules: [Rule] = [
        Rule(
            id: "private-key", family: .privateKeys, description: "Private key (PEM block)", severity: .high,
            keywords: ["private key"], publicPrefixes: pemHeaders,
            remediation:
                "Treat the key as compromised: replace it, revoke anything it signed or authenticated, store the new one in Coffer.",
            matcher: PrivateKeyMatcher()),
        Rule(
            id: "putty-private-key", family: .privateKeys, description: "PuTTY private key file", severity: .high,
            keywords: ["putty-user-key-file-"], publicPrefixes: ["PuTTY-User-Key-File-"], matcher: PuttyKeyMatcher()),
        Rule(
            id: "jwt", family: .jwt, description: "JSON Web Token", severity: .medium,
            keywords: ["eyj"], publicPrefixes: ["eyJ"], matcher: JWTMatcher()),
    ]

    static let connectionRules: [Rule] = [
        Rule(
            id: "uri-credentials", family: .connectionStrings, description: "Password in a connection URL",
            severity: .high, keywords: ["://"], matcher: ConnectionStringMatcher()),
        Rule(
            id: "jdbc-password", family: .connectionStrings, description: "Password in a JDBC URL",
            severity: .high, keywords: ["password=", "pwd="],
            matcher: KeyedConnectionPasswordMatcher(contextMarkers: ["jdbc:"])),
        Rule(
            id: "odbc-password", family: .connectionStrings, description: "Password in an ODBC / ADO.NET connection string",
            severity: .high, keywords: ["password=", "pwd="],
            matcher: KeyedConnectionPasswordMatcher(contextMarkers: ["server=", "data source=", "driver=", "host="])),
    ]
}

/// `PuTTY-User-Key-File-N:` through the `Private-MAC:` line; needs a `Private-Lines:` section.
struct PuttyKeyMatcher: SecretMatcher {
    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        let end = min(input.text.count, hit.lowerBound + 16384)
        let block = input.string(hit.lowerBound..<end)
        guard block.hasPrefix("PuTTY-User-Key-File-"), block.contains("Private-Lines:"),
            let mac = block.range(of: "Private-MAC:")
        else { return }
        let afterMac = block[mac.upperBound...]
        let macLine = afterMac.prefix { $0 != "\n" && $0 != "\r" }
        let length = block[..<mac.upperBound].utf8.count + macLine.utf8.count
        output.spans.append(MatchedSpan(range: hit.lowerBound..<(hit.lowerBound + length)))
    }
}
