import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer kv metadata get|put|delete`: KV v2 key metadata.
struct KVMetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata", abstract: "Read and change a KV v2 key's metadata.",
        subcommands: [Get.self, Put.self, Delete.self]
    )

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
        @Option(name: .customLong("max-versions")) var maxVersions: Int?
        @Option(name: .customLong("cas-required")) var casRequired: Bool?
        @Option(name: .customLong("delete-version-after")) var deleteVersionAfter: String?
        @Option(name: .customLong("custom-metadata"), help: "key=value; repeat for more.") var customMetadata: [String] = []
        @Option(name: .customLong("mount")) var mount: String?
        @Argument var path: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let target = try await KVTarget.resolve(client, path, mount: mount)
            var body: [String: JSONValue] = [:]
            if let maxVersions { body["max_versions"] = JSONValue(maxVersions) }
            if let casRequired { body["cas_required"] = .bool(casRequired) }
            if let deleteVersionAfter { body["delete_version_after"] = .string(deleteVersionAfter) }
            if !customMetadata.isEmpty {
                var custom: [String: JSONValue] = [:]
                for pair in customMetadata {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw CLIError("custom-metadata must be key=value, not \"\(pair)\"") }
                    custom[parts[0]] = .string(parts[1])
                }
                body["custom_metadata"] = .object(custom)
            }
            let apiPath = target.path("metadata")
            _ = try await client.expect("Error writing data to \(apiPath)", "PUT", apiPath, body: .object(body))
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
