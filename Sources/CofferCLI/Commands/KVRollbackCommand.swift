import ArgumentParser
import CofferEncoding
import Foundation

/// `kv rollback -version=N PATH`: writes version N's data again as the newest
/// version, guarded by check-and-set on the version read first, as Vault's CLI does.
struct KVRollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "Make an older version the newest again.")
    @Option(name: .customLong("version")) var version: Int?
    @Option(name: .customLong("mount")) var mount: String?
    @OptionGroup var output: OutputOptions
    @Argument var arguments: [String] = []

    func run() async throws {
        guard arguments.count == 1 else { throw CLIError("Invalid number of arguments (expected 1, got \(arguments.count))", exitCode: 1) }
        guard let version else { throw CLIError("Version flag must be specified", exitCode: 1) }
        guard version > 0 else { throw CLIError("Invalid value \(version) for the version flag", exitCode: 1) }
        let client = APIClient(settings: .fromEnvironment())
        let target = try await KVTarget.resolve(client, arguments[0], mount: mount)
        guard target.isV2 else { throw CLIError("K/V engine mount must be version 2 for rollback support") }
        let path = target.path("data")

        let latest = try Self.metadata(of: try await Self.preRead(client, path, version: nil), at: path)
        let chosen = try await Self.preRead(client, path, version: version)
        let chosenMetadata = try Self.metadata(of: chosen, at: path)
        if let deleted = chosenMetadata["deletion_time"]?.stringValue, !deleted.isEmpty {
            throw CLIError("Cannot roll back to a version that has been deleted")
        }
        if chosenMetadata["destroyed"] == .bool(true) { throw CLIError("Cannot roll back to a version that has been destroyed") }
        guard let data = chosen["data"]?["data"], data.objectValue != nil else {
            throw CLIError("No data found at \(path); rollback only works on existing data")
        }

        let body: JSONValue = ["data": data, "options": ["cas": latest["version"] ?? .null]]
        let written = try await client.expect("Error writing data to \(path)", "PUT", path, body: body)
        guard written.status == 200, let result = written.body else {
            if OutputFormat.resolve(output.format) == .table { print("Success! Data written to: \(path)") }
            return
        }
        try ResponsePrinter(options: output).print(result)
    }

    /// A read before the write; a missing secret or version is "No value found".
    private static func preRead(_ client: APIClient, _ path: String, version: Int?) async throws -> JSONValue {
        let query = version.map { "version=\($0)" }
        let answer = try await client.send("GET", path, query: query)
        if answer.status == 404, answer.body?["data"] == nil || answer.body?["data"] == .null { throw NoValueFound(path: path) }
        guard answer.status == 200 || answer.status == 404, let body = answer.body else {
            let failure = CLIError.api("", method: "GET", url: client.url(path, query: query), answer: answer).description
            throw CLIError("Error doing pre-read at \(path)" + failure)
        }
        return body
    }

    private static func metadata(of body: JSONValue, at path: String) throws -> [String: JSONValue] {
        guard let metadata = body["data"]?["metadata"]?.objectValue else {
            throw CLIError("No metadata found at \(path); rollback only works on existing data")
        }
        return metadata
    }
}
