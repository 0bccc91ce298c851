import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer kv ...`: KV commands that find the mount and its version first, as
/// `vault kv` does with `sys/internal/ui/mounts/<path>` (spec §4.13).
struct KVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv", abstract: "Read and write versioned or unversioned key/value secrets.",
        subcommands: [
            KVGet.self, KVPut.self, KVPatch.self, KVDelete.self, KVUndelete.self, KVDestroy.self, KVList.self, KVMetadataCommand.self,
            KVRollback.self, KVEnableVersioning.self,
        ]
    )
}

/// The mount path and KV version behind a path the user typed.
struct KVTarget {
    let mountPath: String
    let isV2: Bool
    let key: String

    static func resolve(_ client: APIClient, _ typed: String, mount: String?) async throws -> KVTarget {
        let probe = mount ?? typed
        let answer = try await client.send("GET", "sys/internal/ui/mounts/" + probe, preflight: true)
        guard answer.status == 200, let data = answer.body?["data"] else {
            if answer.status == 404 {
                // Vault's CLI assumes KV v1 at the typed path when the preflight finds nothing.
                return KVTarget(mountPath: "", isV2: false, key: typed)
            }
            throw CLIError(
                "preflight capability check returned \(answer.status), please ensure client's policies grant access to path \"\(probe)/\"")
        }
        let mountPath = data["path"]?.stringValue ?? ""
        let isV2 = data["options"]?["version"]?.stringValue == "2"
        var key = mount == nil ? String(typed.dropFirst(min(typed.count, mountPath.count))) : typed
        if mount == nil, typed + "/" == mountPath { key = "" }
        return KVTarget(mountPath: mountPath, isV2: isV2, key: key)
    }

    /// `secret/data/x` for v2 (with `part` = "data"), `secret/x` for v1.
    func path(_ part: String) -> String {
        isV2 ? "\(mountPath)\(part)/\(key)" : "\(mountPath)\(key)"
    }
}

struct KVGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Read a secret.")
    @Option(name: .customLong("version")) var version: Int?
    @Option(name: .customLong("mount")) var mount: String?
    @OptionGroup var output: OutputOptions
    @Argument var path: String

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let target = try await KVTarget.resolve(client, path, mount: mount)
        let apiPath = target.path("data")
        let body = try await client.read(apiPath, query: version.map { "version=\($0)" })
        // A deleted version is a 404 with its metadata; `kv get` reports no value.
        if body["data"]?["data"] == .null, target.isV2 { throw NoValueFound(path: apiPath) }
        let secret = target.isV2 ? (body["data"]?["data"] ?? .null) : (body["data"] ?? .null)
        if let field = output.field {
            guard let value = secret[field] else { throw CLIError("Field \"\(field)\" not present in secret") }
            FileHandle.standardOutput.write(Data(OutputFormat.cell(value).utf8))
            return
        }
        if let text = OutputFormat.structured(SecretShape.of(body), OutputFormat.resolve(output.format)) {
            print(text)
            return
        }
        if target.isV2, let metadata = body["data"]?["metadata"]?.objectValue {
            print("======= Metadata =======")
            print(OutputFormat.table(metadata.sorted { $0.key < $1.key }.map { ($0.key, OutputFormat.cell($0.value)) }))
            print("\n====== Data ======")
        }
        print(OutputFormat.table((secret.objectValue ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, OutputFormat.cell($0.value)) }))
    }
}

struct KVPut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "put", abstract: "Write a new version of a secret.")
    @Option(name: .customLong("cas")) var cas: Int?
    @Option(name: .customLong("mount")) var mount: String?
    @OptionGroup var output: OutputOptions
    @Argument var path: String
    @Argument(parsing: .allUnrecognized) var pairs: [String] = []

    func run() async throws {
        guard !pairs.isEmpty else { throw CLIError("Must supply data") }
        let data = try KeyValueArguments.parse(pairs, stdin: { FileHandle.standardInput.readDataToEndOfFile() })
        try await KVWrite.send(path: path, mount: mount, data: data, cas: cas, patch: false, output: output)
    }
}

struct KVPatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "patch", abstract: "Change some keys of the latest version.")
    @Option(name: .customLong("cas")) var cas: Int?
    @Option(name: .customLong("mount")) var mount: String?
    @OptionGroup var output: OutputOptions
    @Argument var path: String
    @Argument(parsing: .allUnrecognized) var pairs: [String] = []

    func run() async throws {
        guard !pairs.isEmpty else { throw CLIError("Must supply data") }
        let data = try KeyValueArguments.parse(pairs, stdin: { FileHandle.standardInput.readDataToEndOfFile() })
        try await KVWrite.send(path: path, mount: mount, data: data, cas: cas, patch: true, output: output)
    }
}

/// The write half shared by `kv put` and `kv patch`.
enum KVWrite {
    static func send(path: String, mount: String?, data: JSONValue, cas: Int?, patch: Bool, output: OutputOptions) async throws {
        let client = APIClient(settings: .fromEnvironment())
        let target = try await KVTarget.resolve(client, path, mount: mount)
        guard target.isV2 || !patch else { throw CLIError("K/V engine mount must be version 2 for patch support") }
        let apiPath = target.path("data")
        var options: [String: JSONValue] = [:]
        if let cas { options["cas"] = JSONValue(cas) }
        let body: JSONValue = target.isV2 ? ["data": data, "options": .object(options)] : data
        let answer = try await client.expect(
            "Error writing data to \(apiPath)", patch ? "PATCH" : "PUT", apiPath, body: body,
            contentType: patch ? "application/merge-patch+json" : "application/json")
        guard answer.status == 200, let result = answer.body else {
            print("Success! Data written to: \(apiPath)")
            return
        }
        try ResponsePrinter(options: output).print(result)
    }
}

struct KVDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Soft-delete the latest or the listed versions.")
    @Option(name: .customLong("versions")) var versions: String?
    @Option(name: .customLong("mount")) var mount: String?
    @Argument var path: String

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let target = try await KVTarget.resolve(client, path, mount: mount)
        if let versions, target.isV2 {
            _ = try await client.expect(
                "Error deleting \(path)", "PUT", target.path("delete"), body: ["versions": KVVersions.list(versions)])
        } else {
            _ = try await client.expect("Error deleting \(path)", "DELETE", target.path("data"))
        }
        print("Success! Data deleted (if it existed) at: \(target.path("data"))")
    }
}

struct KVUndelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "undelete", abstract: "Restore soft-deleted versions.")
    @Option(name: .customLong("versions")) var versions: String
    @Option(name: .customLong("mount")) var mount: String?
    @Argument var path: String

    func run() async throws {
        try await KVVersions.change("undelete", versions: versions, mount: mount, path: path)
    }
}

struct KVDestroy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "destroy", abstract: "Permanently remove versions.")
    @Option(name: .customLong("versions")) var versions: String
    @Option(name: .customLong("mount")) var mount: String?
    @Argument var path: String

    func run() async throws {
        try await KVVersions.change("destroy", versions: versions, mount: mount, path: path)
    }
}

struct KVList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys under a path.")
    @Option(name: .customLong("mount")) var mount: String?
    @OptionGroup var output: OutputOptions
    @Argument var path: String

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let target = try await KVTarget.resolve(client, path, mount: mount)
        let apiPath = target.path("metadata")
        let answer = try await client.send("GET", apiPath, query: "list=true")
        if answer.status == 404 { throw NoValueFound(path: apiPath) }
        guard answer.status == 200, let body = answer.body else {
            throw CLIError.api("Error listing \(apiPath)", method: "GET", url: client.url(apiPath, query: "list=true"), answer: answer)
        }
        let keys = body["data"]?["keys"] ?? []
        if let text = OutputFormat.structured(keys, OutputFormat.resolve(output.format)) {
            print(text)
        } else {
            print((["Keys", "----"] + (keys.arrayValue ?? []).map(OutputFormat.cell)).joined(separator: "\n"))
        }
    }
}

/// `-versions=1,2` and the version commands that take it.
enum KVVersions {
    /// The list as the CLI sends it: strings.
    static func list(_ text: String) -> JSONValue {
        JSONValue(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    /// `kv undelete` and `kv destroy`: `PUT <mount>/<action>/<key>` with the versions.
    static func change(_ action: String, versions: String, mount: String?, path: String) async throws {
        let client = APIClient(settings: .fromEnvironment())
        let target = try await KVTarget.resolve(client, path, mount: mount)
        guard target.isV2 else { throw CLIError("\(action) is only supported on K/V version 2 mounts") }
        _ = try await client.expect(
            "Error writing data to \(target.path(action))", "PUT", target.path(action), body: ["versions": list(versions)])
        print("Success! Data written to: \(target.path(action))")
    }
}

/// `kv enable-versioning PATH`: turns a KV v1 mount into v2 (a tune of its options).
struct KVEnableVersioning: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable-versioning", abstract: "Turn on versioning for a KV mount.")
    @Argument var path: String

    func run() async throws {
        let mountPath = path.trimmingSlashes.withTrailingSlash
        let client = APIClient(settings: .fromEnvironment())
        let body: JSONValue = ["options": ["version": "2"], "default_lease_ttl": "", "max_lease_ttl": "", "force_no_cache": false]
        _ = try await client.expect("Error tuning secrets engine \(mountPath)", "POST", "sys/mounts/\(mountPath)tune", body: body)
        print("Success! Tuned the secrets engine at: \(mountPath)")
    }
}
