import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer secrets enable|disable|list|tune`.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets", abstract: "Manage secrets engines.",
        subcommands: [Enable.self, Disable.self, List.self, Tune.self, Move.self]
    )

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a secrets engine.")
        @Option(name: .customLong("path")) var path: String?
        @Option(name: .customLong("plugin-name")) var pluginName: String?
        @Flag(name: .customLong("force-no-cache")) var forceNoCache = false
        @Flag(name: .customLong("local")) var local = false
        @Flag(name: .customLong("seal-wrap")) var sealWrap = false
        @Flag(name: .customLong("external-entropy-access")) var externalEntropyAccess = false
        @OptionGroup var flags: MountConfigFlags
        @Argument var type: String

        func run() async throws {
            let mountPath = (path ?? type).trimmingSlashes
            let engine = pluginName ?? type
            var config = flags.optionalFields()
            config["options"] = .null
            config["force_no_cache"] = .bool(forceNoCache)
            config["default_lease_ttl"] = try flags.duration(flags.defaultLeaseTTL, "default-lease-ttl", fallback: "0s")
            config["max_lease_ttl"] = try flags.duration(flags.maxLeaseTTL, "max-lease-ttl", fallback: "0s")
            let body: JSONValue = [
                "type": .string(engine), "description": .string(flags.description ?? ""), "config": .object(config),
                "local": .bool(local), "seal_wrap": .bool(sealWrap), "external_entropy_access": .bool(externalEntropyAccess),
                "options": try flags.mountOptions(),
            ]
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect("Error enabling", "POST", "sys/mounts/\(mountPath)", body: body)
            let version = flags.pluginVersion.map { $0.isEmpty ? "" : " version \($0)" } ?? ""
            print("Success! Enabled the \(engine) secrets engine\(version) at: \(mountPath.withTrailingSlash)")
        }
    }

    struct Disable: AsyncParsableCommand {
        @Argument var path: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect("Error disabling secrets engine at \(path)", "DELETE", "sys/mounts/\(path)")
            print("Success! Disabled the secrets engine (if it existed) at: \(path.withTrailingSlash)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the enabled secrets engines.")
        @Flag(name: .customLong("detailed")) var detailed = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.expect("Error listing secrets engines", "GET", "sys/mounts")
            let mounts = answer.body?["data"]?.objectValue ?? [:]
            if let text = OutputFormat.structured(.object(mounts), OutputFormat.resolve(output.format)) {
                print(text)
                return
            }
            print(detailed ? MountTable.detailed(mounts, secrets: true) : MountTable.brief(mounts, secrets: true))
        }
    }

    struct Tune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tune a secrets engine's configuration.")
        @OptionGroup var flags: MountConfigFlags
        @Argument var path: String

        func run() async throws {
            let mountPath = path.trimmingSlashes
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect(
                "Error tuning secrets engine \(mountPath)", "POST", "sys/mounts/\(mountPath)/tune", body: .object(try flags.tuneBody()))
            print("Success! Tuned the secrets engine at: \(mountPath.withTrailingSlash)")
        }
    }
}
