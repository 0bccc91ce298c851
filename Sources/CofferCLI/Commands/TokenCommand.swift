import ArgumentParser
import CofferMountKit
import Foundation

/// `coffer token create|lookup|renew|revoke|capabilities`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create and manage tokens.",
        subcommands: [Create.self, Lookup.self, Renew.self, Revoke.self, Capabilities.self]
    )

    struct Create: AsyncParsableCommand {
        @Option(name: .customLong("policy"), help: "Repeat for several.") var policies: [String] = []
        @Option(name: .customLong("ttl")) var ttl: String?
        @Option(name: .customLong("explicit-max-ttl")) var explicitMaxTTL: String?
        @Option(name: .customLong("period")) var period: String?
        @Option(name: .customLong("display-name")) var displayName: String?
        @Option(name: .customLong("num-uses")) var numUses: Int?
        @Option(name: .customLong("metadata"), help: "key=value; repeat for more.") var metadata: [String] = []
        @Option(name: .customLong("id")) var id: String?
        @Option(name: .customLong("renewable")) var renewable: Bool?
        @Flag(name: .customLong("orphan")) var orphan = false
        @Flag(name: .customLong("no-default-policy")) var noDefaultPolicy = false
        @OptionGroup var output: OutputOptions
        @OptionGroup var wrap: WrapOptions

        func run() async throws {
            var body: [String: JSONValue] = [:]
            if !policies.isEmpty { body["policies"] = JSONValue(policies.flatMap { $0.split(separator: ",").map(String.init) }) }
            if let ttl { body["ttl"] = .string(ttl) }
            if let explicitMaxTTL { body["explicit_max_ttl"] = .string(explicitMaxTTL) }
            if let period { body["period"] = .string(period) }
            if let displayName { body["display_name"] = .string(displayName) }
            if let numUses { body["num_uses"] = JSONValue(numUses) }
            if let id { body["id"] = .string(id) }
            if let renewable { body["renewable"] = .bool(renewable) }
            if orphan { body["no_parent"] = true }
            if noDefaultPolicy { body["no_default_policy"] = true }
            if !metadata.isEmpty {
                body["meta"] = .object(Dictionary(uniqueKeysWithValues: try metadata.map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw CLIError("metadata must be key=value, not \"\(pair)\"") }
                    return (parts[0], JSONValue.string(parts[1]))
                }))
            }
            let answer = try await wrap.client().expect("Error creating token", "POST", "auth/token/create", body: .object(body))
            try ResponsePrinter(options: output).print(answer.body ?? .null)
        }
    }

    struct Lookup: AsyncParsableCommand {
        @Flag(name: .customLong("accessor")) var byAccessor = false
        @OptionGroup var output: OutputOptions
        @Argument var token: String?

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer: APIClient.Answer
            if let token {
                let path = byAccessor ? "auth/token/lookup-accessor" : "auth/token/lookup"
                answer = try await client.expect("Error looking up token", "POST", path, body: [byAccessor ? "accessor" : "token": .string(token)])
            } else {
                answer = try await client.expect("Error looking up token", "GET", "auth/token/lookup-self")
            }
            try ResponsePrinter(options: output).print(answer.body ?? .null)
        }
    }

    struct Renew: AsyncParsableCommand {
        @Option(name: .customLong("increment")) var increment: String?
        @OptionGroup var output: OutputOptions
        @Argument var token: String?

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            var body: [String: JSONValue] = ["increment": .string(increment ?? "0")]
            var path = "auth/token/renew-self"
            if let token {
                body["token"] = .string(token)
                path = "auth/token/renew"
            }
            let answer = try await client.expect("Error renewing token", "PUT", path, body: .object(body))
            try ResponsePrinter(options: output).print(answer.body ?? .null)
        }
    }

    struct Revoke: AsyncParsableCommand {
        @Flag(name: .customLong("self")) var revokeSelf = false
        @Flag(name: .customLong("accessor")) var byAccessor = false
        @Argument var token: String?

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            if revokeSelf {
                _ = try await client.expect("Error revoking token", "PUT", "auth/token/revoke-self")
            } else {
                guard let token else { throw CLIError("Must specify a token (or -self)") }
                let path = byAccessor ? "auth/token/revoke-accessor" : "auth/token/revoke"
                _ = try await client.expect("Error revoking token", "PUT", path, body: [byAccessor ? "accessor" : "token": .string(token)])
            }
            print("Success! Revoked token (if it existed)")
        }
    }

    struct Capabilities: AsyncParsableCommand {
        @Argument var arguments: [String]

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer: APIClient.Answer
            switch arguments.count {
            case 1:
                answer = try await client.expect("Error listing capabilities", "POST", "sys/capabilities-self", body: ["path": .string(arguments[0])])
            case 2:
                answer = try await client.expect("Error listing capabilities", "POST", "sys/capabilities",
                                                 body: ["token": .string(arguments[0]), "path": .string(arguments[1])])
            default:
                throw CLIError("usage: coffer token capabilities [TOKEN] PATH")
            }
            let capabilities = answer.body?["data"]?["capabilities"]?.arrayValue?.compactMap(\.stringValue) ?? []
            print(capabilities.joined(separator: ", "))
        }
    }
}
