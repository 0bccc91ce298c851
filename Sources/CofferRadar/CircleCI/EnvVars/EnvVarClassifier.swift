/// Names a CircleCI variable's likely credential type from its name alone (spec §2.4, item 2):
/// a listing has no value to look at.
enum EnvVarClassifier {
    /// Ordered: the first whose every part occurs in the upper-cased name wins.
    private static let types: [(parts: [String], type: String)] = [
        (["AWS", "SECRET"], "aws-secret-access-key"),
        (["AWS", "SESSION_TOKEN"], "aws-session-token"),
        (["GOOGLE", "CREDENTIALS"], "gcp-service-account"),
        (["GCLOUD", "KEY"], "gcp-service-account"),
        (["GCP", "KEY"], "gcp-service-account"),
        (["AZURE", "SECRET"], "azure-client-secret"),
        (["AZURE", "STORAGE"], "azure-storage-key"),
        (["GITHUB", "TOKEN"], "github-token"),
        (["GH_TOKEN"], "github-token"),
        (["GITLAB", "TOKEN"], "gitlab-token"),
        (["CIRCLE", "TOKEN"], "circleci-token"),
        (["NPM", "TOKEN"], "npm-token"),
        (["PYPI"], "pypi-token"),
        (["DOCKER", "PASS"], "registry-password"),
        (["DOCKER", "TOKEN"], "registry-password"),
        (["REGISTRY", "PASS"], "registry-password"),
        (["SLACK", "WEBHOOK"], "slack-webhook-url"),
        (["SLACK", "TOKEN"], "slack-token"),
        (["STRIPE"], "stripe-secret-key"),
        (["SENDGRID"], "sendgrid-api-key"),
        (["TWILIO"], "twilio-credential"),
        (["OPENAI"], "openai-api-key"),
        (["ANTHROPIC"], "anthropic-api-key"),
        (["VAULT", "TOKEN"], "vault-token"),
        (["TF", "TOKEN"], "terraform-cloud-token"),
        (["DATABASE_URL"], "connection-string"),
        (["DB", "PASS"], "database-password"),
        (["SSH", "KEY"], "private-key"),
        (["PRIVATE_KEY"], "private-key"),
        (["SIGNING", "KEY"], "private-key"),
        (["GPG"], "private-key"),
    ]

    /// The likely credential type, or nil when the name says nothing specific.
    static func credentialType(_ name: String) -> String? {
        let upper = normalised(name)
        return types.first { entry in entry.parts.allSatisfy { upper.contains($0) } }?.type
    }

    /// True for names that look like they hold a secret (the key-name list of spec §2.3,
    /// plus the types above: `DATABASE_URL` and `SLACK_WEBHOOK` carry credentials too).
    static func looksSecret(_ name: String) -> Bool {
        let upper = normalised(name)
        if upper == "AWS_ACCESS_KEY_ID" { return false }  // an identifier: its pair is the secret
        return CircleCIConfigScanner.isSecretKeyName(upper, parent: nil) || credentialType(upper) != nil
    }

    private static func normalised(_ name: String) -> String {
        name.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
