import Foundation

/// Samples for rules that need structure or context: keys, JWTs, connection strings, keyword-gated shapes.
extension RuleSamples {
    static func base64URL(_ json: String) -> String {
        Data(json.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func jwt(_ claims: String, alg: String = "HS256", random: inout SampleRandom) -> String {
        base64URL("{\"alg\":\"\(alg)\",\"typ\":\"JWT\"}") + "." + base64URL(claims) + "." + random.wordDash(43)
    }

    static func pem(_ label: String, random: inout SampleRandom, lines: Int = 12) -> String {
        let body = (0..<lines).map { _ in random.string(SampleRandom.base64, 64) }.joined(separator: "\n")
        return "-----BEGIN \(label)-----\n" + body + "\n-----END \(label)-----\n"
    }

    static var structuralSamples: [RuleSample] {
        var random = SampleRandom(seed: 42)
        let awsSecret = { (random: inout SampleRandom) in random.string(SampleRandom.base64, 38) + "Ab" }
        let keyLabel = "RSA PRIV" + "ATE KEY"
        let serviceAccountKey = pem("PRIV" + "ATE KEY", random: &random).replacingOccurrences(of: "\n", with: "\\n")
        return [
            RuleSample(
                id: "aws-secret-access-key",
                positives: [
                    ("aws_secret_access_key = \(awsSecret(&random))\n", "config/credentials"),
                    (
                        "AWS_ACCESS_KEY_ID=AK" + "IA\(random.string(SampleRandom.upperBase32, 16))\nexport SECRET=\(awsSecret(&random))\n",
                        "deploy.sh"
                    ),
                ],
                negatives: [
                    ("const blob = \"\(awsSecret(&random))\"\n", "src/a.js"),
                    ("aws_commit = \(random.hex(40))\n", "src/a.txt"),
                    ("aws_secret_access_key = \(awsSecret(&random).dropLast(2))\n", "config/credentials"),
                ]),
            RuleSample(
                id: "gcp-service-account",
                positives: [
                    (
                        "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo\",\n  \"private_key\": \"\(serviceAccountKey)\"\n}\n",
                        "sa.json"
                    ),
                    ("{\"type\": \"service_account\", \"private_key\": \"\(serviceAccountKey)\", \"client_email\": \"a@b\"}\n", "key.json"),
                ],
                negatives: [
                    ("{\"type\": \"service_account\", \"client_email\": \"a@b\"}\n", "sa.json"),
                    ("{\"type\": \"service_account\", \"private_key\": \"<your key here>\"}\n", "sa.json"),
                ]),
            RuleSample(
                id: "azure-storage-key",
                positives: [
                    (
                        "DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=\(random.string(SampleRandom.base64, 86))==;\n",
                        "app.config"
                    ),
                    ("conn = \"AccountName=x;AccountKey=\(random.string(SampleRandom.base64, 86))==\"\n", "a.py"),
                ],
                negatives: [
                    ("AccountKey=\(random.string(SampleRandom.base64, 40))==;\n", "app.config"),
                    ("AccountKey=\(String(repeating: "x", count: 86))==;\n", "app.config"),
                ]),
            RuleSample(
                id: "private-key",
                positives: [
                    (pem(keyLabel, random: &random), "deploy/id_rsa"),
                    ("key: |\n" + pem("OPENSSH PRIV" + "ATE KEY", random: &random), "ansible/vars.yml"),
                ],
                negatives: [
                    ("-----BEGIN \(keyLabel)-----\n...\n-----END \(keyLabel)-----\n", "README.txt"),
                    (pem("PUBLIC KEY", random: &random) + pem("CERTIFICATE", random: &random), "certs/ca.pem"),
                    ("-----BEGIN \(keyLabel)-----\nMIIEow\n-----END \(keyLabel)-----\n", "short.pem"),
                ]),
            RuleSample(
                id: "putty-private-key",
                positives: [
                    (
                        "PuTTY-User-"
                            + "Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 2\n\(random.string(SampleRandom.base64, 64))\nPrivate-Lines: 1\n\(random.string(SampleRandom.base64, 44))\nPrivate-MAC: \(random.hex(64))\n",
                        "key.ppk"
                    ),
                    (
                        "PuTTY-User-"
                            + "Key-File-2: ssh-rsa\nPrivate-Lines: 1\n\(random.string(SampleRandom.base64, 60))\nPrivate-MAC: \(random.hex(40))\n",
                        "id.ppk"
                    ),
                ],
                negatives: [
                    ("PuTTY-User-" + "Key-File-3 format is documented here.\n", "notes.txt"),
                    ("PuTTY-User-" + "Key-File-3: ssh-ed25519\nPublic-Lines: 2\n", "pub.txt"),
                ]),
            RuleSample(
                id: "jwt",
                positives: [
                    ("Authorization header: \(jwt("{\"sub\":\"svc\",\"exp\":4102444800}", random: &random))\n", "notes.txt"),
                    ("token=\(jwt("{\"iss\":\"https://auth.internal\",\"sub\":\"x\"}", random: &random))\n", "a.env.txt"),
                ],
                negatives: [
                    ("eyJ\(random.alnum(20)).eyJ\(random.alnum(20)).\(random.alnum(10))\n", "notes.txt"),
                    ("eyJhbGciOi\n", "notes.txt"),
                ]),
        ]
    }
}
