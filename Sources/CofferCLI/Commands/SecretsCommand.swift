import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer secrets enable|disable|list|tune`.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets", abstract: "Manage secrets engines.",
        subcommands: [Enable.self, Disable.self, List.self, Tune.self]
    )

    struct Enable: AsyncParsableCommand {
        @Option(name: .customLong("path")) var path: String?
        @Option(name: .customLong("description")) var description: String?
        @Option(name: .customLong("version")) var version: Int?
        @Option(name: .customLong("default-lease-ttl")) var defaultLeaseTTL: String?
        @Option(name: .customLong("max-lease-ttl")) var maxLeaseTTL: String?
        @Argument var type: String

        func run() async throws {
            let mountPath = path ?? type
            var body: [String: JSONValue] = ["type": .string(type), "description": .string(description ?? "")]
            body["config"] = ["default_lease_ttl": .string(defaultLeaseTTL ?? "0s"), "max_lease_ttl": .string(maxLeaseTTL ?? "0s")]
            if let version { body["options"] = ["version": .string(String(version))] }
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect("Error enabling", "POST", "sys/mounts/\(mountPath)", body: .object(body))
            print("Success! Enabled the \(type) secrets engine at: \(mountPath.withTrailingSlash)")
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
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.expect("Error listing secrets engines", "GET", "sys/mounts")
            let mounts = answer.body?["data"]?.objectValue ?? [:]
            if let text = OutputFormat.structured(.object(mounts), OutputFormat.resolve(output.format)) {
                print(text)
                return
            }
            let rows = mounts.sorted { $0.key < $1.key }.map { path, entry in
                [
                    path, OutputFormat.cell(entry["type"] ?? ""), OutputFormat.cell(entry["accessor"] ?? ""),
                    OutputFormat.cell(entry["description"] ?? ""),
                ]
            }
            print(OutputFormat.columns(header: ["Path", "Type", "Accessor", "Description"], rows: rows))
        }
    }

    struct Tune: AsyncParsableCommand {
        @Option(name: .customLong("default-lease-ttl")) var defaultLeaseTTL: String?
        @Option(name: .customLong("max-lease-ttl")) var maxLeaseTTL: String?
        @Option(name: .customLong("description")) var description: String?
        @Argument var path: String

        func run() async throws {
            var body: [String: JSONValue] = [
                "default_lease_ttl": .string(defaultLeaseTTL ?? ""), "max_lease_ttl": .string(maxLeaseTTL ?? ""),
            ]
            if let description { body["description"] = .string(description) }
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect("Error tuning secrets engine \(path)", "POST", "sys/mounts/\(path)/tune", body: .object(body))
            print("Success! Tuned the secrets engine at: \(path.withTrailingSlash)")
        }
    }
}
