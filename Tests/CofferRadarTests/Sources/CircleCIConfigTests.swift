import Foundation
import Testing

@testable import CofferRadar

/// CircleCI configs parsed as YAML (spec §2.3): YAML paths, anchors, parameters, references, shell.
@Suite struct CircleCIConfigTests {
    struct Config {
        var text: String
        var apiKey: String
        var registryPassword: String
        var awsSecret: String
        var curlPassword: String
    }

    static func config() -> Config {
        var random = SampleRandom(seed: 2024)
        let apiKey = random.alnum(32)
        let registryPassword = "Reg" + random.alnum(13)
        let awsSecret = random.string(SampleRandom.base64, 38) + "Z9"
        let curlPassword = random.alnum(18)
        let keyID = "AK" + "IA" + random.string(SampleRandom.upperBase32, 16)
        let text = """
            version: 2.1

            parameters:
              deploy-token:
                type: string
                default: "\(random.alnum(28))"
              aws-key-var:
                type: env_var_name
                default: AWS_ACCESS_KEY_ID

            shared-env: &shared-env
              SHARED_API_KEY: \(apiKey)
              REGION: us-east-1

            executors:
              builder:
                docker:
                  - image: cimg/base:stable
                    auth:
                      username: ci-bot
                      password: \(registryPassword)

            jobs:
              build:
                docker:
                  - image: cimg/node:lts
                environment:
                  <<: *shared-env
                  NODE_ENV: production
                steps:
                  - checkout
              deploy:
                docker:
                  - image: 123.dkr.ecr.us-east-1.amazonaws.com/app
                    aws_auth:
                      aws_access_key_id: \(keyID)
                      aws_secret_access_key: \(awsSecret)
                      oidc_role_arn: arn:aws:iam::123456789012:role/ci
                environment:
                  DB_PASSWORD: $PROD_DB_PASSWORD
                  OTHER_TOKEN: ${OTHER_TOKEN}
                  PIPELINE_TOKEN: << pipeline.parameters.deploy-token >>
                steps:
                  - run: curl -u admin:\(curlPassword) https://nexus.internal/upload
                  - run:
                      name: push
                      command: |
                        docker login -u ci -p "$DOCKER_PASS" registry.internal
                        echo done
                  - aws-cli/setup:
                      aws-access-key-id: AWS_ACCESS_KEY_ID
                      role-arn: arn:aws:iam::123456789012:role/x

            workflows:
              main:
                jobs:
                  - build
                  - deploy:
                      context: [prod-secrets, slack]
            """
        return Config(
            text: text, apiKey: apiKey, registryPassword: registryPassword, awsSecret: awsSecret,
            curlPassword: curlPassword)
    }

    static func findings() throws -> [Finding] {
        try ScanHarness.defaultScanner.scan(.bytes(label: ".circleci/config.yml", content: Array(config().text.utf8))).findings
    }

    static func finding(at yamlPath: String, in findings: [Finding]) -> Finding? {
        findings.first { $0.locations.contains { $0.yamlPath == yamlPath } }
    }

    @Test func literalsUnderSecretKeysAreReportedWithYAMLPaths() throws {
        let findings = try Self.findings()
        let password = try #require(Self.finding(at: "executors.builder.docker[0].auth.password", in: findings))
        #expect(password.ruleID == "circleci-inline-credential")
        let secret = try #require(Self.finding(at: "jobs.deploy.docker[0].aws_auth.aws_secret_access_key", in: findings))
        #expect(secret.ruleID == "circleci-inline-credential")
        #expect(secret.locations.first?.startLine == 37)
        let keyID = try #require(Self.finding(at: "jobs.deploy.docker[0].aws_auth.aws_access_key_id", in: findings))
        #expect(keyID.ruleID == "aws-access-key-id")
        #expect(Self.finding(at: "jobs.deploy.docker[0].aws_auth.oidc_role_arn", in: findings) == nil)
    }

    @Test func anchorsAndMergeKeysAreResolved() throws {
        let findings = try Self.findings()
        let shared = try #require(Self.finding(at: "shared-env.SHARED_API_KEY", in: findings))
        // The merged copy is the same secret: one finding, both YAML paths, the job's hint.
        #expect(shared.locations.contains { $0.yamlPath == "jobs.build.environment.SHARED_API_KEY" })
        #expect(shared.migration?.job == "build")
        #expect(shared.locations.allSatisfy { $0.startLine == 12 })
    }

    @Test func referencesAndVariableNamesAreNotFindings() throws {
        let findings = try Self.findings()
        for path in [
            "jobs.deploy.environment.DB_PASSWORD", "jobs.deploy.environment.OTHER_TOKEN",
            "jobs.deploy.environment.PIPELINE_TOKEN", "parameters.aws-key-var.default",
            "jobs.deploy.steps[2].aws-cli/setup.aws-access-key-id", "jobs.deploy.steps[1].run.command",
        ] {
            #expect(Self.finding(at: path, in: findings) == nil, "reported \(path)")
        }
    }

    @Test func parameterDefaultsAreJudgedByParameterName() throws {
        let findings = try Self.findings()
        let token = try #require(Self.finding(at: "parameters.deploy-token.default", in: findings))
        #expect(token.ruleID == "circleci-inline-credential")
        #expect(token.migration?.name == "DEPLOY_TOKEN")
    }

    @Test func shellCommandsAreScannedAsShell() throws {
        let findings = try Self.findings()
        let curl = try #require(Self.finding(at: "jobs.deploy.steps[0].run", in: findings))
        #expect(curl.ruleID == "curl-auth-user")
        #expect(curl.locations.first?.startLine == 44)
    }

    @Test func migrationHintsCarryJobContextsAndCofferPath() throws {
        var options = ScanHarness.options()
        options.project = "payments"
        let report = try RadarScanner(options: options)
            .scan(.bytes(label: ".circleci/config.yml", content: Array(Self.config().text.utf8)))
        let secret = try #require(Self.finding(at: "jobs.deploy.docker[0].aws_auth.aws_secret_access_key", in: report.findings))
        #expect(secret.migration?.job == "deploy")
        #expect(secret.migration?.contexts == ["prod-secrets", "slack"])
        #expect(secret.migration?.cofferPath == "secret/data/circleci/payments/AWS_SECRET_ACCESS_KEY")
    }

    @Test func weakPasswordsAreReportedOneStepLower() throws {
        let text = "version: 2.1\njobs:\n  a:\n    environment:\n      DB_PASSWORD: hunter22\n"
        let findings = try ScanHarness.scan(text, path: ".circleci/config.yml")
        let weak = try #require(findings.first)
        #expect(weak.ruleID == "circleci-inline-credential")
        #expect(weak.severity == .medium)
        #expect(weak.redacted == "…")
    }

    @Test func brokenYAMLIsReportedAndTheTextScanStillRuns() throws {
        var random = SampleRandom(seed: 8)
        let token = ChecksummedToken.make(prefix: "gh" + "p_", random: random.alnum(30))
        let text = "jobs:\n  a: [unclosed\n    TOKEN: \(token)\n  : : :\n"
        let report = ScanHarness.defaultScanner.scan(.bytes(label: ".circleci/config.yml", content: Array(text.utf8)))
        #expect(report.errors.contains { $0.contains("cannot parse CircleCI config") })
        #expect(report.findings.map(\.ruleID) == ["github-pat"])
    }

    // The limit guards against a hang (an unbounded expansion), not speed.
    @Test(.timeLimit(.minutes(10))) func aliasBombsStopAtTheNodeBudget() throws {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 1...9 {
            let name = "l\(level)"
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        let report = ScanHarness.defaultScanner.scan(.bytes(label: ".circleci/config.yml", content: Array(text.utf8)))
        #expect(report.errors.contains { $0.contains("too large") })
    }
}
