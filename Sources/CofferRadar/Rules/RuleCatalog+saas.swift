/// Payment and SaaS API keys (spec §3, "Payment / SaaS APIs").
extension RuleCatalog {
    static let saasRules: [Rule] = [
        token(
            "stripe-secret-key", .saasAPIs, "Stripe secret or restricted key", .high,
            variants: [
                .init(prefix: Array("sk_live_".utf8), shape: .run(.alnum, 24...247)),
                .init(prefix: Array("rk_live_".utf8), shape: .run(.alnum, 24...247)),
                .init(prefix: Array("sk_test_".utf8), shape: .run(.alnum, 24...247), severity: .low, tags: ["test-key"]),
                .init(prefix: Array("rk_test_".utf8), shape: .run(.alnum, 24...247), severity: .low, tags: ["test-key"]),
            ]),
        token(
            "stripe-webhook-secret", .saasAPIs, "Stripe webhook signing secret", .medium,
            prefixes: ["whsec_"], body: .run(.alnum, 32...64)),
        token(
            "sendgrid-api-key", .saasAPIs, "SendGrid API key", .high,
            prefixes: ["SG."], body: TokenShape([.run(.wordDash, 22...22), .text("."), .run(.wordDash, 43...43)])),
        Rule(
            id: "twilio-api-key", family: .saasAPIs, description: "Twilio API key SID (SK + 32 hex, near `twilio`)",
            severity: .high, keywords: ["twilio"],
            matcher: KeywordGatedMatcher(
                runClass: .alnum, length: 34...34, lineRadius: 3,
                accepts: { bytes in
                    bytes.starts(with: Array("SK".utf8))
                        && bytes.dropFirst(2).allSatisfy { ByteClass.lowerHex.contains(byte: $0) }
                })),
        token(
            "openai-api-key", .saasAPIs, "OpenAI API key", .high,
            variants: [
                .init(prefix: Array("sk-proj-".utf8), shape: .run(.wordDash, 40...250)),
                .init(prefix: Array("sk-svcacct-".utf8), shape: .run(.wordDash, 40...250)),
                .init(prefix: Array("sk-admin-".utf8), shape: .run(.wordDash, 40...250)),
                .init(prefix: Array("sk-".utf8), shape: TokenShape([.run(.alnum, 20...20), .text("T3BlbkFJ"), .run(.alnum, 20...20)])),
            ]),
        token(
            "anthropic-api-key", .saasAPIs, "Anthropic API key", .high,
            prefixes: ["sk-ant-api03-", "sk-ant-admin01-"], body: .run(.wordDash, 80...120)),
        token(
            "huggingface-token", .saasAPIs, "Hugging Face access token", .high,
            prefixes: ["hf_"], body: .run([.lower, .upper], 34...34)),
        token(
            "shopify-token", .saasAPIs, "Shopify access token or shared secret", .high,
            prefixes: ["shpat_", "shpss_", "shpca_", "shppa_"], body: .run(.hex, 32...32)),
        token(
            "newrelic-user-api-key", .saasAPIs, "New Relic user API key", .high,
            prefixes: ["NRAK-"], body: .run(.upperAlnum, 27...27)),
        token(
            "sentry-user-token", .saasAPIs, "Sentry user auth token", .high,
            prefixes: ["sntryu_"], body: .run(.lowerHex, 64...64)),
        token(
            "sentry-org-token", .saasAPIs, "Sentry organization auth token", .high,
            prefixes: ["sntrys_"], body: .run([.base64URL, .plusSlash, .equals], 60...400)),
        token(
            "linear-api-key", .saasAPIs, "Linear API key", .high,
            prefixes: ["lin_api_"], body: .run(.alnum, 40...40)),
        token(
            "postman-api-key", .saasAPIs, "Postman API key", .high,
            prefixes: ["PMAK-"], body: TokenShape([.run(.lowerHex, 24...24), .text("-"), .run(.lowerHex, 34...34)])),
        token(
            "dynatrace-token", .saasAPIs, "Dynatrace API token", .high,
            prefixes: ["dt0c01."], body: TokenShape([.run(.upperAlnum, 24...24), .text("."), .run(.upperAlnum, 64...64)])),
        token(
            "grafana-token", .saasAPIs, "Grafana cloud or service account token", .high,
            variants: [
                .init(prefix: Array("glsa_".utf8), shape: TokenShape([.run(.alnum, 32...32), .text("_"), .run(.hex, 8...8)])),
                .init(prefix: Array("glc_".utf8), shape: .run([.base64, .equals], 32...400)),
            ]),
        token(
            "pulumi-token", .saasAPIs, "Pulumi access token", .high,
            prefixes: ["pul-"], body: .run(.lowerHex, 40...40)),
        token(
            "mailgun-api-key", .saasAPIs, "Mailgun private API key", .high,
            prefixes: ["key-"], body: .run(.lowerHex, 32...32)),
        token(
            "square-access-token", .saasAPIs, "Square access token", .high,
            prefixes: ["EAAA", "sq0atp-"], body: .run(.wordDash, 22...60)),
        token(
            "square-oauth-secret", .saasAPIs, "Square OAuth secret", .high,
            prefixes: ["sq0csp-"], body: .run(.wordDash, 43...43)),
        token(
            "doppler-token", .saasAPIs, "Doppler service token", .high,
            prefixes: ["dp.pt.", "dp.st.", "dp.sa."], body: .run(.alnum, 40...44)),
        token(
            "planetscale-token", .saasAPIs, "PlanetScale password or token", .high,
            prefixes: ["pscale_pw_", "pscale_tkn_", "pscale_oauth_"], body: .run([.word, .dot, .dash], 32...64)),
        token(
            "age-secret-key", .privateKeys, "age encryption secret key", .high,
            prefixes: ["AGE-SECRET-KEY-1"], body: .run(.upperAlnum, 58...58)),
    ]
}
