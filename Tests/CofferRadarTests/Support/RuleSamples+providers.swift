/// Samples for provider rules with fixed prefixes.
extension RuleSamples {
    static var providerSamples: [RuleSample] {
        [
            prefixed("aws-access-key-id") { ("AK" + "IA", $0.string(SampleRandom.upperBase32, 16)) },
            prefixed("gcp-api-key") { ("AI" + "za", $0.wordDash(35)) },
            prefixed("digitalocean-token") { ("dop_" + "v1_", $0.hex(64)) },
            prefixed("flyio-token") { ("fo1" + "_", $0.wordDash(43)) },
            prefixed("databricks-token") { ("da" + "pi", $0.hex(32)) },
            github("github-pat", "gh" + "p_"),
            github("github-oauth", "gh" + "o_"),
            github("github-app-token", "gh" + "s_"),
            github("github-refresh-token", "gh" + "r_"),
            github("npm-token", "np" + "m_"),
            prefixed("github-fine-grained-pat") { ("github" + "_pat_", "11" + $0.alnum(20) + "_" + $0.alnum(59)) },
            prefixed("gitlab-pat") { ("gl" + "pat-", $0.wordDash(20)) },
            prefixed("gitlab-pipeline-trigger-token") { ("gl" + "ptt-", $0.hex(40)) },
            prefixed("gitlab-runner-token") { ("gl" + "rt-", $0.wordDash(26)) },
            prefixed("gitlab-deploy-token") { ("gl" + "dt-", $0.wordDash(26)) },
            prefixed("circleci-personal-token") { ("CCI" + "PAT_", $0.alnum(22) + "_" + $0.hex(40)) },
            prefixed("circleci-project-token") { ("CCI" + "PRJ_", $0.alnum(22) + "_" + $0.hex(40)) },
            prefixed("bitbucket-app-password") { ("AT" + "BB", $0.alnum(32)) },
            prefixed("atlassian-api-token") { ("ATA" + "TT3", $0.alnum(186)) },
            prefixed("pypi-token") { ("pypi-" + "AgEIcHlwaS5vcmc", $0.wordDash(70)) },
            prefixed("rubygems-api-key") { ("rubygems" + "_", $0.hex(48)) },
            prefixed("dockerhub-pat") { ("dckr" + "_pat_", $0.wordDash(27)) },
            prefixed("dockerhub-oat") { ("dckr" + "_oat_", $0.wordDash(32)) },
            prefixed("slack-bot-token") {
                ("xo" + "xb-", $0.string(SampleRandom.digits, 12) + "-" + $0.string(SampleRandom.digits, 13) + "-" + $0.alnum(24))
            },
            prefixed("slack-user-token") {
                ("xo" + "xp-", $0.string(SampleRandom.digits, 12) + "-" + $0.string(SampleRandom.digits, 13) + "-" + $0.alnum(32))
            },
            prefixed("slack-app-token") {
                ("xa" + "pp-", "1-A" + $0.string(SampleRandom.upperAlnum, 10) + "-" + $0.string(SampleRandom.digits, 13) + "-" + $0.hex(64))
            },
            prefixed("slack-legacy-token") { ("xo" + "xs-", $0.string(SampleRandom.digits, 12) + "-" + $0.alnum(30)) },
            prefixed("slack-webhook-url") {
                (
                    "https://hooks.slack.com/" + "services/",
                    "T" + $0.string(SampleRandom.upperAlnum, 8) + "/B" + $0.string(SampleRandom.upperAlnum, 8) + "/" + $0.alnum(24)
                )
            },
            prefixed("discord-webhook-url") {
                ("https://discord.com/api/" + "webhooks/", $0.string(SampleRandom.digits, 18) + "/" + $0.wordDash(68))
            },
            prefixed("telegram-bot-token") {
                ("https://api.telegram.org/" + "bot", $0.string(SampleRandom.digits, 10) + ":" + $0.wordDash(35))
            },
            prefixed("stripe-secret-key") { ("sk_" + "live_", $0.alnum(24)) },
            prefixed("stripe-webhook-secret") { ("wh" + "sec_", $0.alnum(32)) },
            prefixed("sendgrid-api-key") { ("S" + "G.", $0.wordDash(22) + "." + $0.wordDash(43)) },
            prefixed("openai-api-key") { ("sk-" + "proj-", $0.wordDash(64)) },
            prefixed("anthropic-api-key") { ("sk-ant-" + "api03-", $0.wordDash(93)) },
            prefixed("huggingface-token") { ("h" + "f_", $0.string(SampleRandom.upper + SampleRandom.lower, 34)) },
            prefixed("shopify-token") { ("sh" + "pat_", $0.hex(32)) },
            prefixed("newrelic-user-api-key") { ("NR" + "AK-", $0.string(SampleRandom.upperAlnum, 27)) },
            prefixed("sentry-user-token") { ("sntr" + "yu_", $0.hex(64)) },
            prefixed("linear-api-key") { ("lin_" + "api_", $0.alnum(40)) },
            prefixed("postman-api-key") { ("PM" + "AK-", $0.hex(24) + "-" + $0.hex(34)) },
            prefixed("dynatrace-token") {
                ("dt0" + "c01.", $0.string(SampleRandom.upperAlnum, 24) + "." + $0.string(SampleRandom.upperAlnum, 64))
            },
            prefixed("grafana-token") { ("gl" + "sa_", $0.alnum(32) + "_" + $0.hex(8)) },
            prefixed("pulumi-token") { ("pu" + "l-", $0.hex(40)) },
            prefixed("mailgun-api-key") { ("ke" + "y-", $0.hex(32)) },
            prefixed("square-oauth-secret") { ("sq0" + "csp-", $0.wordDash(43)) },
            prefixed("doppler-token") { ("dp." + "pt.", $0.alnum(43)) },
            prefixed("planetscale-token") { ("pscale" + "_pw_", $0.alnum(43)) },
            prefixed("age-secret-key") { ("AGE-SECRET-" + "KEY-1", $0.string("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)) },
            prefixed("vault-service-token") { ("hv" + "s.", $0.wordDash(95)) },
            prefixed("vault-batch-token") { ("hv" + "b.", $0.wordDash(150)) },
            prefixed("vault-recovery-token") { ("hv" + "r.", $0.wordDash(95)) },
        ]
    }
}
