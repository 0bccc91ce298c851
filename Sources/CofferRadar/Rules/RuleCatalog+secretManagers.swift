/// Vault, Coffer and Terraform Cloud tokens (spec §3, "Secret managers").
extension RuleCatalog {
    static let secretManagerRules: [Rule] = [
        token(
            "vault-service-token", .secretManagers, "Vault / Coffer service token", .high,
            prefixes: ["hvs."], body: .run(.wordDash, 90...120)),
        token(
            "vault-batch-token", .secretManagers, "Vault / Coffer batch token", .high,
            prefixes: ["hvb."], body: .run(.wordDash, 90...300)),
        token(
            "vault-recovery-token", .secretManagers, "Vault recovery token", .high,
            prefixes: ["hvr."], body: .run(.wordDash, 90...120)),
        Rule(
            id: "vault-legacy-token", family: .secretManagers, description: "Vault legacy service token (`s.` + 24, near `vault`)",
            severity: .high, keywords: ["vault"], publicPrefixes: ["s."],
            matcher: KeywordGatedMatcher(
                runClass: [.alnum, .dot], length: 26...26, lineRadius: 2,
                accepts: { bytes in
                    bytes.starts(with: Array("s.".utf8))
                        && bytes.dropFirst(2).allSatisfy { ByteClass.alnum.contains(byte: $0) }
                        && KeywordGatedMatcher.isMixed(Array(bytes.dropFirst(2)))
                })),
        Rule(
            id: "terraform-cloud-token", family: .secretManagers, description: "Terraform Cloud / Enterprise API token",
            severity: .high, keywords: [".atlasv1."], matcher: AtlasTokenMatcher()),
    ]
}

/// `<14 alnum>.atlasv1.<60-70 [\w-]>`: the keyword sits in the middle, so read both ways.
struct AtlasTokenMatcher: SecretMatcher {
    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        let start = hit.lowerBound - 14
        guard start >= 0, input.isLeftBoundary(start),
            (start..<hit.lowerBound).allSatisfy({ ByteClass.alnum.contains(byte: input.text[$0]) }),
            input.hasBytes(Array(".atlasv1.".utf8), at: hit.lowerBound),
            let end = TokenShape.run(.wordDash, 60...70).match(at: hit.upperBound, in: input.text),
            !PlaceholderFilter.rejectsToken(input.string(start..<end))
        else { return }
        output.spans.append(MatchedSpan(range: start..<end))
    }
}
