import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer token create|lookup|renew|revoke|capabilities`, with `vault token`'s flags.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create and manage tokens.",
        subcommands: [Create.self, Lookup.self, Renew.self, Revoke.self, Capabilities.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token.")
        @Option(name: .customLong("id")) var id: String?
        @Option(name: .customLong("display-name")) var displayName = ""
        @Option(name: .customLong("ttl")) var ttl: String?
        @Option(name: .customLong("explicit-max-ttl")) var explicitMaxTTL: String?
        @Option(name: .customLong("period")) var period: String?
        @Option(name: .customLong("renewable")) var renewable = true
        @Flag(name: .customLong("orphan")) var orphan = false
        @Flag(name: .customLong("no-default-policy")) var noDefaultPolicy = false
        @Option(name: .customLong("use-limit")) var useLimit = 0
        @Option(name: .customLong("role")) var role: String?
        @Option(name: .customLong("type")) var type = "service"
        @Option(name: .customLong("policy"), help: "Repeat for several.") var policies: [String] = []
        @Option(name: .customLong("metadata"), help: "key=value; repeat for more.") var metadata: [String] = []
        @Option(name: .customLong("entity-alias")) var entityAlias = ""
        @OptionGroup var output: OutputOptions
        @OptionGroup var wrap: WrapOptions

        func run() async throws {
            var body: [String: JSONValue] = [
                "ttl": .string(try TokenFlags.duration(ttl, flag: "ttl")),
                "explicit_max_ttl": .string(try TokenFlags.duration(explicitMaxTTL, flag: "explicit-max-ttl")),
                "period": .string(try TokenFlags.duration(period, flag: "period")),
                "display_name": .string(displayName), "num_uses": JSONValue(useLimit), "renewable": .bool(renewable),
                "type": .string(type), "entity_alias": .string(entityAlias),
            ]
            if let id { body["id"] = .string(id) }
            if !policies.isEmpty { body["policies"] = JSONValue(policies) }
            if orphan { body["no_parent"] = true }
            if noDefaultPolicy { body["no_default_policy"] = true }
            if !metadata.isEmpty { body["meta"] = try TokenFlags.pairs(metadata, flag: "metadata") }
            let path = role.map { "auth/token/create/\($0)" } ?? "auth/token/create"
            let answer = try await wrap.client().expect("Error creating token", "POST", path, body: .object(body))
            try ResponsePrinter(options: output).print(answer.body ?? .null)
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a token's properties.")
        @Flag(name: .customLong("accessor")) var byAccessor = false
        @OptionGroup var output: OutputOptions
        @Argument var token: String?

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer: APIClient.Answer
            if let token {
                let path = byAccessor ? "auth/token/lookup-accessor" : "auth/token/lookup"
                answer = try await client.expect(
                    "Error looking up token", "POST", path, body: [byAccessor ? "accessor" : "token": .string(token)])
            } else {
                if byAccessor { throw CLIError("Not enough arguments with -accessor (expected 1, got 0)", exitCode: 1) }
                answer = try await client.expect("Error looking up token", "GET", "auth/token/lookup-self")
            }
            try ResponsePrinter(options: output).print(answer.body ?? .null)
        }
    }

    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Renew a token's lease.")
        @Option(name: .customLong("increment")) var increment: String?
        @Flag(name: .customLong("accessor")) var byAccessor = false
        @OptionGroup var output: OutputOptions
        @Argument var token: String?

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            var body: [String: JSONValue] = ["increment": .int(try TokenFlags.seconds(increment, flag: "increment"))]
            let method: String, path: String
            switch (token, byAccessor) {
            case (let token?, true):
                (method, path) = ("POST", "auth/token/renew-accessor")
                body["accessor"] = .string(token)
            case (let token?, false):
                (method, path) = ("PUT", "auth/token/renew")
                body["token"] = .string(token)
            case (nil, true):
                throw CLIError("Not enough arguments with -accessor (expected 1, got 0)", exitCode: 1)
            case (nil, false):
                (method, path) = ("PUT", "auth/token/renew-self")
            }
            let answer = try await client.expect("Error renewing token", method, path, body: .object(body))
            try ResponsePrinter(options: output).print(answer.body ?? .null)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token and, by default, its children.")
        @Flag(name: .customLong("self")) var revokeSelf = false
        @Flag(name: .customLong("accessor")) var byAccessor = false
        @Option(name: .customLong("mode"), help: "orphan (keep children) or path (every token under a path).") var mode = ""
        @Argument var token: String?

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            if revokeSelf {
                if token != nil { throw CLIError("Too many arguments with -self (expected 0, got 1)", exitCode: 1) }
                _ = try await client.expect("Error revoking token", "PUT", "auth/token/revoke-self")
                print("Success! Revoked token (if it existed)")
                return
            }
            guard let token else { throw CLIError("Not enough arguments (expected 1 or -self, got 0)", exitCode: 1) }
            switch (mode, byAccessor) {
            case ("", true):
                _ = try await client.expect(
                    "Error revoking token", "POST", "auth/token/revoke-accessor", body: ["accessor": .string(token)])
            case ("", false):
                _ = try await client.expect("Error revoking token", "PUT", "auth/token/revoke", body: ["token": .string(token)])
            case ("orphan", false):
                _ = try await client.expect("Error revoking token", "PUT", "auth/token/revoke-orphan", body: ["token": .string(token)])
            case ("path", false):
                _ = try await client.expect("Error revoking token", "PUT", "sys/leases/revoke-prefix/\(token)")
            case (_, true):
                throw CLIError("Use of -mode is not supported with -accessor", exitCode: 1)
            default:
                throw CLIError("Invalid mode: \(mode)", exitCode: 1)
            }
            print("Success! Revoked token (if it existed)")
        }
    }

    struct Capabilities: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a token's capabilities on a path.")
        @OptionGroup var output: OutputOptions
        @Argument var arguments: [String]

        func run() async throws {
            let settings = ClientSettings.fromEnvironment()
            let client = APIClient(settings: settings)
            let answer: APIClient.Answer
            switch arguments.count {
            case 1:
                answer = try await client.expect(
                    "Error listing capabilities", "POST", "sys/capabilities-self",
                    body: ["path": .string(arguments[0]), "token": .string(settings.token ?? "")])
            case 2:
                answer = try await client.expect(
                    "Error listing capabilities", "POST", "sys/capabilities",
                    body: ["token": .string(arguments[0]), "path": .string(arguments[1])])
            default:
                throw CLIError("Too many arguments (expected 1-2, got \(arguments.count))", exitCode: 1)
            }
            let path = arguments.last ?? ""
            let found = answer.body?["data"]?[path] ?? answer.body?["data"]?["capabilities"] ?? answer.body?["capabilities"] ?? []
            if let text = OutputFormat.structured(found, OutputFormat.resolve(output.format)) {
                print(text)
                return
            }
            print((found.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ", "))
        }
    }
}

/// Token and lease flag values as Vault's CLI sends them.
enum TokenFlags {
    /// A duration flag: Go's `Duration.String()`, `0s` when absent.
    static func duration(_ text: String?, flag: String) throws -> String {
        try MountFlags.duration(text, flag: flag) ?? "0s"
    }

    /// A duration flag sent as whole seconds (`-increment`), 0 when absent.
    static func seconds(_ text: String?, flag: String) throws -> Int64 {
        guard let text else { return 0 }
        guard let seconds = GoDuration.seconds(from: text) else {
            throw CLIError("invalid value \"\(text)\" for flag -\(flag): time: invalid duration \"\(text)\"", exitCode: 1)
        }
        return seconds
    }

    /// Repeated `key=value` flags as an object.
    static func pairs(_ list: [String], flag: String) throws -> JSONValue {
        var result: [String: JSONValue] = [:]
        for pair in list {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CLIError("\(flag) must be key=value, not \"\(pair)\"", exitCode: 1) }
            result[parts[0]] = .string(parts[1])
        }
        return .object(result)
    }
}
