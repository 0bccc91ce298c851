import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer auth enable|disable|list|tune|help`: auth methods, as `vault auth`.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth", abstract: "Manage auth methods.",
        subcommands: [Enable.self, Disable.self, List.self, Tune.self, Move.self, Help.self]
    )

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable an auth method.")
        @Option(name: .customLong("path")) var path: String?
        @Option(name: .customLong("description")) var description = ""
        @Option(name: .customLong("default-lease-ttl")) var defaultLeaseTTL: String?
        @Option(name: .customLong("max-lease-ttl")) var maxLeaseTTL: String?
        @Option(name: .customLong("listing-visibility")) var listingVisibility: String?
        @Option(name: .customLong("token-type")) var tokenType: String?
        @Option(name: .customLong("audit-non-hmac-request-keys")) var auditNonHMACRequestKeys: [String] = []
        @Option(name: .customLong("audit-non-hmac-response-keys")) var auditNonHMACResponseKeys: [String] = []
        @Option(name: .customLong("passthrough-request-headers")) var passthroughRequestHeaders: [String] = []
        @Option(name: .customLong("allowed-response-headers")) var allowedResponseHeaders: [String] = []
        @Option(name: .customLong("options"), help: "key=value; repeat for more.") var options: [String] = []
        @Option(name: .customLong("plugin-version")) var pluginVersion: String?
        @Flag(name: .customLong("local")) var local = false
        @Flag(name: .customLong("seal-wrap")) var sealWrap = false
        @Flag(name: .customLong("external-entropy-access")) var externalEntropyAccess = false
        @Argument var type: String

        func run() async throws {
            let mountPath = (path ?? type).trimmingSlashes
            var config: [String: JSONValue] = [
                "options": .null, "force_no_cache": false,
                "default_lease_ttl": .string(try MountFlags.duration(defaultLeaseTTL, flag: "default-lease-ttl") ?? "0s"),
                "max_lease_ttl": .string(try MountFlags.duration(maxLeaseTTL, flag: "max-lease-ttl") ?? "0s"),
            ]
            if let listingVisibility { config["listing_visibility"] = .string(listingVisibility) }
            if let tokenType { config["token_type"] = .string(tokenType) }
            if !auditNonHMACRequestKeys.isEmpty { config["audit_non_hmac_request_keys"] = JSONValue(auditNonHMACRequestKeys) }
            if !auditNonHMACResponseKeys.isEmpty { config["audit_non_hmac_response_keys"] = JSONValue(auditNonHMACResponseKeys) }
            if !passthroughRequestHeaders.isEmpty { config["passthrough_request_headers"] = JSONValue(passthroughRequestHeaders) }
            if !allowedResponseHeaders.isEmpty { config["allowed_response_headers"] = JSONValue(allowedResponseHeaders) }
            var body: [String: JSONValue] = [
                "type": .string(type), "description": .string(description), "config": .object(config),
                "local": .bool(local), "seal_wrap": .bool(sealWrap), "external_entropy_access": .bool(externalEntropyAccess),
                "options": try MountFlags.options(options),
            ]
            if let pluginVersion { body["plugin_version"] = .string(pluginVersion) }
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect("Error enabling \(type) auth", "POST", "sys/auth/\(mountPath)", body: .object(body))
            print("Success! Enabled \(type) auth method at: \(mountPath.withTrailingSlash)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an auth method.")
        @Argument var path: String

        func run() async throws {
            let mountPath = path.trimmingSlashes
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect("Error disabling auth method at \(mountPath)", "DELETE", "sys/auth/\(mountPath)")
            print("Success! Disabled the auth method (if it existed) at: \(mountPath.withTrailingSlash)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the enabled auth methods.")
        @Flag(name: .customLong("detailed")) var detailed = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.expect("Error listing enabled authentications", "GET", "sys/auth")
            let methods = answer.body?["data"]?.objectValue ?? [:]
            if let text = OutputFormat.structured(.object(methods), OutputFormat.resolve(output.format)) {
                print(text)
                return
            }
            print(detailed ? MountTable.detailed(methods) : MountTable.brief(methods))
        }
    }

    struct Tune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tune an auth method's configuration.")
        @OptionGroup var flags: MountConfigFlags
        @Option(name: .customLong("token-type")) var tokenType: String?
        @Option(name: .customLong("user-lockout-threshold")) var lockoutThreshold: UInt32?
        @Option(name: .customLong("user-lockout-duration")) var lockoutDuration: String?
        @Option(name: .customLong("user-lockout-counter-reset-duration")) var lockoutCounterReset: String?
        @Flag(name: .customLong("user-lockout-disable")) var lockoutDisable = false
        @Argument var path: String

        func run() async throws {
            let mountPath = path.trimmingSlashes
            var body = try flags.tuneBody()
            if let tokenType { body["token_type"] = .string(tokenType) }
            if let lockout = try userLockout() { body["user_lockout_config"] = lockout }
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect(
                "Error tuning auth method \(mountPath)", "POST", "sys/mounts/auth/\(mountPath)/tune", body: .object(body))
            print("Success! Tuned the auth method at: \(mountPath.withTrailingSlash)")
        }

        /// `user_lockout_config` with the lockout flags given, as Vault's CLI sends it
        /// (the threshold as a string, durations as Go durations).
        private func userLockout() throws -> JSONValue? {
            var config: [String: JSONValue] = [:]
            if let lockoutThreshold { config["lockout_threshold"] = .string(String(lockoutThreshold)) }
            if let duration = try MountFlags.duration(lockoutDuration, flag: "user-lockout-duration") {
                config["lockout_duration"] = .string(duration)
            }
            if let reset = try MountFlags.duration(lockoutCounterReset, flag: "user-lockout-counter-reset-duration") {
                config["lockout_counter_reset_duration"] = .string(reset)
            }
            if lockoutDisable { config["lockout_disable"] = true }
            return config.isEmpty ? nil : .object(config)
        }
    }

    /// `auth help TYPE|PATH`: the CLI's own usage for logging in with that method.
    struct Help: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show how to log in with an auth method.")
        @Argument var method: String

        func run() async throws {
            var kind = method.trimmingSlashes
            if LoginMethod.named(kind) == nil {
                let client = APIClient(settings: .fromEnvironment())
                let answer = try await client.expect("Error listing enabled authentications", "GET", "sys/auth")
                guard let entry = answer.body?["data"]?[kind.withTrailingSlash] else {
                    throw CLIError("No auth method available on the server at \"\(kind.withTrailingSlash)\"", exitCode: 1)
                }
                kind = entry["type"]?.stringValue ?? kind
            }
            guard let handler = LoginMethod.named(kind) else {
                throw CLIError("No method-specific CLI handler available for auth method \"\(kind)\"")
            }
            print(handler.help(program: CommandLine.programName))
        }
    }
}

/// Flag values shared by `auth enable|tune` and `secrets enable|tune`.
enum MountFlags {
    /// A duration flag as Vault's CLI sends it: parsed, then Go's `Duration.String()`.
    static func duration(_ text: String?, flag: String) throws -> String? {
        guard let text else { return nil }
        guard let seconds = GoDuration.seconds(from: text) else {
            throw CLIError("invalid value \"\(text)\" for flag -\(flag): time: invalid duration \"\(text)\"", exitCode: 1)
        }
        return GoDuration.format(seconds: seconds)
    }

    /// `-options=k=v`, repeated: an object, or null when none were given (as Vault sends it).
    static func options(_ pairs: [String]) throws -> JSONValue {
        guard !pairs.isEmpty else { return .null }
        var result: [String: JSONValue] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CLIError("options must be key=value, not \"\(pair)\"", exitCode: 1) }
            result[parts[0]] = .string(parts[1])
        }
        return .object(result)
    }
}

extension String {
    /// `jwt/` and `/jwt` both name the mount `jwt`.
    var trimmingSlashes: String {
        var text = Substring(self)
        while text.hasPrefix("/") { text = text.dropFirst() }
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}
