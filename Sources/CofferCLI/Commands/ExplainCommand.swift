import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer explain login|request`: why a login or a request is allowed or
/// refused, check by check, as the server's own decision says (issue 17).
/// Exit status: 0 allowed, 1 refused, 2 the explanation could not be had.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Explain why a login or a request is allowed or refused.",
        subcommands: [Login.self, Request.self]
    )

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain a login: every check, with the role's expected value and the token's actual one.",
            discussion: """
                Issues no token and spends nothing (an AppRole secret ID keeps its uses). The token's signature
                and the token itself are never printed. Exit status: 0 allowed, 1 refused, 2 error.
                """
        )

        @Option(name: .customLong("mount"), help: "The auth method's path (jwt, approle).") var mount = "jwt"
        @Option(name: .customLong("role"), help: "The role to log in with (JWT).") var role: String?
        @Option(name: .customLong("role-id"), help: "The role ID (AppRole).") var roleID: String?
        @Option(name: .customLong("secret-id"), help: "The secret ID (AppRole); - reads it from standard input.") var secretID: String?
        @Option(name: .customLong("remote-address"), help: "The address the login would come from (default: this client's).")
        var remoteAddress: String?
        @Option(name: .customLong("format"), help: "table or json.") var format: String?
        @Argument(help: "The JWT (- reads it from standard input).") var jwt: String?

        func run() async throws {
            var body: [String: JSONValue] = ["mount": .string(mount)]
            if let role { body["role"] = .string(role) }
            if let jwt { body["jwt"] = .string(jwt == "-" ? Self.standardInput() : jwt) }
            if let roleID { body["role_id"] = .string(roleID) }
            if let secretID { body["secret_id"] = .string(secretID == "-" ? Self.standardInput() : secretID) }
            if let remoteAddress { body["remote_address"] = .string(remoteAddress) }
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.expect("Error explaining the login", "PUT", "sys/explain/login", body: .object(body))
            let data = answer.body?["data"] ?? .null
            guard let explanation = LoginExplanation(json: data) else { throw CLIError("Error explaining the login: no explanation") }
            if let text = OutputFormat.structured(data, OutputFormat.resolve(format)) {
                print(text)
            } else {
                print(explanation.text)
            }
            if !explanation.isGranted { throw ExitCode(1) }
        }

        /// A credential piped in, without its trailing newline.
        static func standardInput() -> String {
            String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain the ACL's decision on a request: METHOD PATH, for -token T or -policy P...",
            discussion: """
                Prints the deciding rule and its policies, the other rules that matched and why they lost, the
                capabilities on the path and the smallest policy that allows the request. Without -token or
                -policy, the caller's own token is explained. Exit status: 0 allowed, 1 denied, 2 error.
                """
        )

        @Option(name: .customLong("token"), help: "The token whose policies decide.") var token: String?
        @Option(name: .customLong("policy"), help: "A policy that decides (repeat for several).") var policies: [String] = []
        @Flag(name: .customLong("output-policy"), help: "Print only the policy that would allow the request.") var outputPolicy = false
        @Option(name: .customLong("format"), help: "table or json.") var format: String?
        @Argument(help: "GET, LIST, POST, PUT, PATCH, DELETE (or read, list, create, update, patch, delete).") var method: String
        @Argument(help: "The API path, below /v1/ (secret/data/ci/production/db).") var path: String

        func run() async throws {
            var body: [String: JSONValue] = ["path": .string(path), "operation": .string(method.lowercased())]
            if let token { body["token"] = .string(token) }
            if !policies.isEmpty { body["policies"] = JSONValue(policies) }
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.expect("Error explaining the request", "PUT", "sys/explain/request", body: .object(body))
            let data = answer.body?["data"] ?? .null
            if outputPolicy {
                print(data["minimal_policy"]?.stringValue ?? "", terminator: "")
            } else if let text = OutputFormat.structured(data, OutputFormat.resolve(format)) {
                print(text)
            } else {
                print(RequestExplanationText.render(data, method: method.uppercased()))
            }
            if data["allowed"] != .bool(true) { throw ExitCode(1) }
        }
    }
}
