import Foundation

/// Fills the `@@shape#n@@` placeholders of the labelled corpus with fake values generated to
/// each rule's exact shape, so the committed corpus holds no full credential (push protection,
/// the repository's own scans) and each run sees the same values.
enum CorpusValues {
    static func fill(_ text: String) -> String { filled(text).text }

    /// The text with its placeholders filled, and the values put in.
    static func filled(_ text: String) -> (text: String, values: [String]) {
        var result = ""
        var values: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "@@"), let close = rest[open.upperBound...].range(of: "@@") {
            result += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound]
            let parts = name.split(separator: "#")
            let seed = UInt64(parts.last.flatMap { Int($0) } ?? 0)
            values.append(value(String(parts.first ?? ""), seed: seed))
            result += values[values.count - 1]
            rest = rest[close.upperBound...]
        }
        return (result + rest, values)
    }

    static func value(_ shape: String, seed: UInt64) -> String {
        var random = SampleRandom(seed: shape.utf8.reduce(seed) { $0 &* 131 &+ UInt64($1) })
        switch shape {
        case "aws-access-key-id": return "AK" + "IA" + random.string(SampleRandom.upperBase32, 16)
        case "aws-secret-access-key": return random.string(SampleRandom.base64, 38) + "Ab"
        case "gcp-api-key": return "AI" + "za" + random.wordDash(35)
        case "gcp-private-key":
            return RuleSamples.pem("PRIV" + "ATE KEY", random: &random).replacingOccurrences(of: "\n", with: "\\n")
        case "azure-storage-key": return random.string(SampleRandom.base64, 86) + "=="
        case "github-pat": return ChecksummedToken.make(prefix: "gh" + "p_", random: random.alnum(30))
        case "github-app-token": return ChecksummedToken.make(prefix: "gh" + "s_", random: random.alnum(30))
        case "npm-token": return ChecksummedToken.make(prefix: "np" + "m_", random: random.alnum(30))
        case "github-fine-grained-pat": return "github" + "_pat_11" + random.alnum(20) + "_" + random.alnum(59)
        case "gitlab-pat": return "gl" + "pat-" + random.wordDash(20)
        case "circleci-personal-token": return "CCI" + "PAT_" + random.alnum(22) + "_" + random.hex(40)
        case "slack-bot-token":
            return "xo" + "xb-" + random.string(SampleRandom.digits, 12) + "-" + random.string(SampleRandom.digits, 13) + "-"
                + random.alnum(24)
        case "slack-webhook-url":
            return "https://hooks.slack.com/" + "services/T" + random.string(SampleRandom.upperAlnum, 8) + "/B"
                + random.string(SampleRandom.upperAlnum, 8) + "/" + random.alnum(24)
        case "discord-webhook-url":
            return "https://discord.com/api/" + "webhooks/" + random.string(SampleRandom.digits, 18) + "/" + random.wordDash(68)
        case "stripe-secret-key": return "sk_" + "live_" + random.alnum(24)
        case "sendgrid-api-key": return "S" + "G." + random.wordDash(22) + "." + random.wordDash(43)
        case "openai-api-key": return "sk-" + "proj-" + random.wordDash(64)
        case "anthropic-api-key": return "sk-ant-" + "api03-" + random.wordDash(93)
        case "pypi-token": return "pypi-" + "AgEIcHlwaS5vcmc" + random.wordDash(70)
        case "twilio-api-key": return "S" + "K" + random.hex(32)
        case "vault-service-token": return "hv" + "s." + random.wordDash(95)
        case "terraform-cloud-token": return random.alnum(14) + ".atlas" + "v1." + random.wordDash(67)
        case "private-key":
            return RuleSamples.pem(seed == 1 ? "RSA PRIV" + "ATE KEY" : "OPENSSH PRIV" + "ATE KEY", random: &random)
        case "age-secret-key": return "AGE-SECRET-" + "KEY-1" + random.string("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)
        case "jwt":
            // Expires in 2030: unexpired against the harness clock (2026).
            return RuleSamples.jwt("{\"sub\":\"svc-42\",\"iss\":\"https://auth.acme.io\",\"exp\":1893456000}", random: &random)
        case "password": return random.alnum(14) + "_" + random.alnum(6)
        case "docker-auth": return Data(("deploy:" + random.alnum(20)).utf8).base64EncodedString()
        default: return "@@unknown shape \(shape)@@"
        }
    }
}
