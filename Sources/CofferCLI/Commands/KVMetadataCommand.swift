import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer kv metadata get|put|patch|delete`: KV v2 key metadata.
struct KVMetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata", abstract: "Read and change a KV v2 key's metadata.",
        subcommands: [Get.self, Put.self, Patch.self, Delete.self]
    )

    /// The flags `metadata put` and `metadata patch` share, as the body Vault's CLI sends.
    struct Fields: ParsableArguments {
        @Option(name: .customLong("max-versions")) var maxVersions: Int?
        @Option(name: .customLong("cas-required")) var casRequired: Bool?
        @Option(name: .customLong("delete-version-after")) var deleteVersionAfter: String?
        @Option(name: .customLong("custom-metadata"), help: "key=value; repeat for more.") var customMetadata: [String] = []

        /// `custom_metadata` is always sent by `patch` (empty when not given), only when given by `put`.
        func body(alwaysCustom: Bool, removing: [String] = []) throws -> [String: JSONValue] {
            var body: [String: JSONValue] = [:]
            if let maxVersions { body["max_versions"] = JSONValue(maxVersions) }
            if let casRequired { body["cas_required"] = .bool(casRequired) }
            if let after = try MountFlags.duration(deleteVersionAfter, flag: "delete-version-after") {
                body["delete_version_after"] = .string(after)
            }
            if !customMetadata.isEmpty || alwaysCustom {
                var custom: [String: JSONValue] = [:]
                for pair in customMetadata {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw CLIError("custom-metadata must be key=value, not \"\(pair)\"") }
                    custom[parts[0]] = .string(parts[1])
                }
                // A null in a merge patch removes the key.
                for key in removing { custom[key] = .null }
                body["custom_metadata"] = .object(custom)
            }
            return body
        }
    }

    struct Get: AsyncParsableCommand {
        @Option(name: .customLong("mount")) var mount: String?
        @OptionGroup var output: OutputOptions
        @Argument var path: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let target = try await KVTarget.resolve(client, path, mount: mount)
            try ResponsePrinter(options: output).print(try await client.read(target.path("metadata")))
        }
    }

    struct Put: AsyncParsableCommand {
        @OptionGroup var fields: Fields
        @Option(name: .customLong("mount")) var mount: String?
        @Argument var path: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let target = try await KVTarget.resolve(client, path, mount: mount)
            let apiPath = target.path("metadata")
            _ = try await client.expect(
                "Error writing data to \(apiPath)", "PUT", apiPath, body: .object(try fields.body(alwaysCustom: false)))
            print("Success! Data written to: \(apiPath)")
        }
    }

    /// `kv metadata patch`: a merge patch of the given fields only.
    struct Patch: AsyncParsableCommand {
        @OptionGroup var fields: Fields
        @Option(name: .customLong("remove-custom-metadata")) var removeCustomMetadata: [String] = []
        @Option(name: .customLong("mount")) var mount: String?
        @Argument var path: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let target = try await KVTarget.resolve(client, path, mount: mount)
            guard target.isV2 else { throw CLIError("Metadata not supported on KV Version 1", exitCode: 1) }
            let apiPath = target.path("metadata")
            _ = try await client.expect(
                "Error writing data to \(apiPath)", "PATCH", apiPath,
                body: .object(try fields.body(alwaysCustom: true, removing: removeCustomMetadata)),
                contentType: "application/merge-patch+json")
            print("Success! Data written to: \(apiPath)")
        }
    }

    struct Delete: AsyncParsableCommand {
        @Option(name: .customLong("mount")) var mount: String?
        @Argument var path: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let target = try await KVTarget.resolve(client, path, mount: mount)
            let apiPath = target.path("metadata")
            _ = try await client.expect("Error deleting \(apiPath)", "DELETE", apiPath)
            print("Success! Data deleted (if it existed) at: \(apiPath)")
        }
    }
}
