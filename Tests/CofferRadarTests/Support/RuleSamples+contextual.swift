import Foundation

/// Samples for connection strings, config files, shell auth, keyword-gated and generic rules.
extension RuleSamples {
    static var contextualSamples: [RuleSample] {
        var random = SampleRandom(seed: 7)
        let password = { (random: inout SampleRandom) in "Pw" + random.alnum(14) + "9" }
        let userPass = Data(("deploy:" + password(&random)).utf8).base64EncodedString()
        let noColon = Data(("deploy" + random.alnum(12)).utf8).base64EncodedString()
        return [
            RuleSample(
                id: "uri-credentials",
                positives: [
                    ("DATABASE_URL=postgres://app:\(password(&random))@db.internal:5432/app\n", "deploy.sh"),
                    ("cache = \"redis://:\(password(&random))@cache:6379/0\"\n", "settings.py"),
                ],
                negatives: [
                    ("DATABASE_URL=postgres://app@db.internal:5432/app\n", "deploy.sh"),
                    ("DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal/app\n", "deploy.sh"),
                    ("see https://example.com/docs:intro\n", "README.txt"),
                ]),
            RuleSample(
                id: "jdbc-password",
                positives: [
                    ("url=jdbc:mysql://db:3306/app?user=app&password=\(password(&random))\n", "app.properties"),
                    ("jdbc:sqlserver://db;user=sa;password=\(password(&random));\n", "ds.xml"),
                ],
                negatives: [
                    ("url=jdbc:mysql://db:3306/app?user=app&password=${DB_PASSWORD}\n", "app.properties"),
                    ("url=jdbc:mysql://db:3306/app?user=app\n", "app.properties"),
                ]),
            RuleSample(
                id: "odbc-password",
                positives: [
                    ("Server=tcp:db,1433;Database=app;User Id=sa;Password=\(password(&random));\n", "appsettings.txt"),
                    ("Driver={ODBC};Server=db;Uid=sa;Pwd=\(password(&random));\n", "dsn.txt"),
                ],
                negatives: [
                    ("Server=tcp:db;Database=app;Password=<password>;\n", "appsettings.txt"),
                    ("Password=\(password(&random));\n", "notes.txt"),
                ]),
            RuleSample(
                id: "npmrc-auth-token",
                positives: [
                    ("//registry.npmjs.org/:_authToken=\(random.wordDash(36))\n", ".npmrc"),
                    ("//npm.pkg.github.com/:_authToken=\(random.alnum(40))\n", "frontend/.npmrc"),
                ],
                negatives: [
                    ("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", ".npmrc"),
                    ("//registry.npmjs.org/:_authToken=\n", ".npmrc"),
                ]),
            RuleSample(
                id: "pypirc-password",
                positives: [
                    ("[pypi]\nusername = __token__\npassword = \(password(&random))\n", ".pypirc"),
                    ("[testpypi]\npassword: \(password(&random))\n", "home/.pypirc"),
                ],
                negatives: [
                    ("[pypi]\npassword = %(PYPI_PASSWORD)s\n", ".pypirc"),
                    ("[pypi]\npassword = \(password(&random))\n", "setup.cfg"),
                ]),
            RuleSample(
                id: "netrc-password",
                positives: [
                    ("machine api.internal login deploy password \(password(&random))\n", ".netrc"),
                    ("machine git.internal\n  login bot\n  password \(password(&random))\n", "home/_netrc"),
                ],
                negatives: [
                    ("machine api.internal login deploy password \(password(&random))\n", "notes.txt"),
                    ("machine api.internal login deploy password $NETRC_PASSWORD\n", ".netrc"),
                ]),
            RuleSample(
                id: "docker-config-auth",
                positives: [
                    ("{\"auths\": {\"registry.internal\": {\"auth\": \"\(userPass)\"}}}\n", ".docker/config.json"),
                    ("{\n  \"auths\": {\n    \"ghcr.io\": {\n      \"auth\": \"\(userPass)\"\n    }\n  }\n}\n", "config.json"),
                ],
                negatives: [
                    ("{\"auths\": {\"registry.internal\": {\"auth\": \"\(noColon)\"}}}\n", "config.json"),
                    ("{\"auths\": {\"registry.internal\": {\"auth\": \"\"}}}\n", "config.json"),
                ]),
            RuleSample(
                id: "curl-auth-user",
                positives: [
                    ("curl -u admin:\(password(&random)) https://api.internal/v1\n", "deploy.sh"),
                    ("curl -sf --user 'ci:\(password(&random))' https://nexus.internal/\n", "ci.sh"),
                ],
                negatives: [
                    ("curl -u \"$USER:$PASS\" https://api.internal/v1\n", "deploy.sh"),
                    ("curl -u admin https://api.internal/v1\n", "deploy.sh"),
                ]),
            RuleSample(
                id: "curl-auth-header",
                positives: [
                    ("curl -H \"Authorization: Bearer \(random.alnum(32))\" https://api.internal\n", "deploy.sh"),
                    ("Authorization: Basic \(userPass)\n", "request.http"),
                ],
                negatives: [
                    ("curl -H \"Authorization: Bearer $API_TOKEN\" https://api.internal\n", "deploy.sh"),
                    ("headers = {\"Authorization\": f\"Bearer {token}\"}\n", "client.py"),
                ]),
            RuleSample(
                id: "wget-password",
                positives: [
                    ("wget --user=ci --password=\(password(&random)) https://files.internal/a\n", "fetch.sh"),
                    ("wget --http-password='\(password(&random))' https://files.internal/b\n", "fetch.sh"),
                ],
                negatives: [
                    ("wget --password=$FILES_PASSWORD https://files.internal/a\n", "fetch.sh"),
                    ("wget --password= https://files.internal/a\n", "fetch.sh"),
                ]),
            RuleSample(
                id: "docker-login-password",
                positives: [
                    ("docker login -u ci -p \(password(&random)) registry.internal\n", "push.sh"),
                    ("docker login registry.internal --username ci --password '\(password(&random))'\n", "push.sh"),
                ],
                negatives: [
                    ("echo \"$DOCKER_PASS\" | docker login -u ci --password-stdin registry.internal\n", "push.sh"),
                    ("docker login -u ci -p \"$DOCKER_PASS\" registry.internal\n", "push.sh"),
                ]),
            RuleSample(
                id: "circleci-legacy-token",
                positives: [
                    ("CIRCLE_TOKEN=\(random.hex(40))\n", "scripts/trigger.sh"),
                    ("circleci_api_token: \(random.hex(40))\n", "settings.yml"),
                ],
                negatives: [
                    ("CIRCLE_SHA1=\(String(repeating: "ab", count: 20))\n", "scripts/trigger.sh"),
                    ("commit = \(random.hex(40))\n", "scripts/trigger.sh"),
                ]),
            RuleSample(
                id: "twilio-api-key",
                positives: [
                    ("TWILIO_API_KEY=S" + "K\(random.hex(32))\n", "twilio.env.txt"),
                    ("twilio:\n  key: S" + "K\(random.hex(32))\n", "config.yml"),
                ],
                negatives: [
                    ("key: S" + "K\(random.hex(32))\n", "config.yml"),
                    ("TWILIO_API_KEY=S" + "K\(random.hex(30))\n", "twilio.env.txt"),
                ]),
            RuleSample(
                id: "vault-legacy-token",
                positives: [
                    ("VAULT_TOKEN=s.\(random.alnum(22))A1\n", "vault.sh"),
                    ("vault login s.\(random.alnum(22))b2\n", "vault.sh"),
                ],
                negatives: [
                    ("VAULT_TOKEN=s.\(random.alnum(10))\n", "vault.sh"),
                    ("config.s.\(random.alnum(24)) = 1\n", "notes.txt"),
                ]),
            RuleSample(
                id: "terraform-cloud-token",
                positives: [
                    ("token = \"\(random.alnum(14)).atlas" + "v1.\(random.wordDash(67))\"\n", "main.tf"),
                    ("TF_TOKEN=\(random.alnum(14)).atlas" + "v1.\(random.wordDash(64))\n", "tf.sh"),
                ],
                negatives: [
                    ("token = \"\(random.alnum(14)).atlas" + "v1.\(random.wordDash(20))\"\n", "main.tf"),
                    ("token = \"\(random.alnum(14)).atlas" + "v1.\(String(repeating: "x", count: 67))\"\n", "main.tf"),
                ]),
            RuleSample(
                id: "generic-secret-assignment",
                positives: [
                    ("api_key = \"\(random.alnum(24))\"\n", "src/client.py"),
                    ("  \"client_secret\": \"\(random.string(SampleRandom.base64, 32))\",\n", "appsettings.json"),
                    ("DB_PASSWORD=\(password(&random))\n", "deploy.env.txt"),
                ],
                negatives: [
                    ("password = \"changeme\"\n", "src/client.py"),
                    ("token = getToken(\(random.alnum(20)))\n", "src/client.js"),
                    ("let password: String\n", "src/Model.swift"),
                    ("api_key = \"abcdefghijklmnopqrstuvwx\"\n", "src/client.py"),
                    ("author = \"\(random.alnum(24))\"\n", "setup.py"),
                    ("token_url = \"https://auth.internal/oauth/token\"\n", "src/client.py"),
                    // Swift declarations seen in swift-nio: types and attributes, not values.
                    ("    callbackToken: Source.WriteResult.CallbackToken?,\n", "Sources/BufferedStream.swift"),
                    ("final class TokenBucket: @unchecked Sendable {\n", "Sources/TokenBucket.swift"),
                    ("let privateKey = loadKeyFromEnvironmentVariableNamed\n", "Sources/Setup.kt"),
                ]),
            RuleSample(
                id: "high-entropy-base64",
                positives: [
                    ("FOO=\(random.string(SampleRandom.base64, 44))\n", ".env"),
                    ("BAR=\(random.string(SampleRandom.base64, 40))\n", "config/.env.production"),
                ],
                negatives: [
                    ("FOO=\(random.string(SampleRandom.base64, 44))\n", "src/blob.txt"),
                    ("FOO=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", ".env"),
                ]),
            RuleSample(
                id: "high-entropy-hex",
                positives: [
                    ("SIGNING=\(random.hex(64))\n", ".env"),
                    ("X=\(random.hex(48))\n", ".env.local"),
                ],
                negatives: [
                    ("SIGNING=\(random.hex(64))\n", "src/checksums.txt"),
                    ("X=\(random.hex(20))\n", ".env"),
                ]),
        ]
    }
}
