import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer read PATH`.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read", abstract: "Read data at a path.")

    @OptionGroup var output: OutputOptions
    @OptionGroup var wrap: WrapOptions
    @Argument var path: String

    func run() async throws {
        try ResponsePrinter(options: output).print(try await wrap.client().read(path))
    }
}

/// `coffer list PATH`.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys under a path.")

    @OptionGroup var output: OutputOptions
    @Argument var path: String

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let answer = try await client.send("GET", path, query: "list=true")
        if answer.status == 404 { throw NoValueFound(path: path) }
        guard answer.status == 200, let body = answer.body else {
            throw CLIError.api("Error listing \(path)", method: "GET", url: client.url(path, query: "list=true"), answer: answer)
        }
        if let text = OutputFormat.structured(body["data"]?["keys"] ?? [], OutputFormat.resolve(output.format)) {
            print(text)
        } else {
            let keys = body["data"]?["keys"]?.arrayValue ?? []
            print((["Keys", "----"] + keys.map(OutputFormat.cell)).joined(separator: "\n"))
        }
    }
}

/// `coffer delete PATH`.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete data at a path.")

    @Argument var path: String

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let answer = try await client.send("DELETE", path)
        guard answer.status < 300 else {
            throw CLIError.api("Error deleting \(path)", method: "DELETE", url: client.url(path), answer: answer)
        }
        print("Success! Data deleted (if it existed) at: \(path)")
    }
}

/// `coffer write PATH k=v ...`.
struct WriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "write", abstract: "Write data to a path.")

    @Flag(name: [.customShort("f"), .customLong("force")], help: "Write even with no data.")
    var force = false

    @OptionGroup var output: OutputOptions
    @OptionGroup var wrap: WrapOptions
    @Argument var path: String
    @Argument(parsing: .allUnrecognized) var pairs: [String] = []

    func run() async throws {
        if pairs.isEmpty && !force {
            throw CLIError("Must supply data or use -force")
        }
        let body = try KeyValueArguments.parse(pairs, stdin: { FileHandle.standardInput.readDataToEndOfFile() })
        let client = wrap.client()
        // `-force` with no data sends JSON `null`, as Vault's CLI does (a nil map).
        let answer = try await client.send("PUT", path, body: pairs.isEmpty ? .null : body)
        guard answer.status < 300 else {
            throw CLIError.api("Error writing data to \(path)", method: "PUT", url: client.url(path), answer: answer)
        }
        guard answer.status == 200, let result = answer.body else {
            print("Success! Data written to: \(path)")
            return
        }
        try ResponsePrinter(options: output).print(result)
    }
}

/// What `vault read` prints for a 404, with exit code 2.
struct NoValueFound: Error, CustomStringConvertible {
    let path: String
    var description: String { "No value found at \(path)" }
}

/// `coffer unwrap [TOKEN]`: the wrapped response; without an argument the wrapping
/// token is the caller's own token (`VAULT_TOKEN`).
struct UnwrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unwrap", abstract: "Unwrap a response-wrapping token.")

    @OptionGroup var output: OutputOptions
    @Argument var token: String?

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let body: JSONValue? = token.map { ["token": .string($0)] }
        let answer = try await client.expect("Error unwrapping", "PUT", "sys/wrapping/unwrap", body: body)
        try ResponsePrinter(options: output).print(answer.body ?? .null)
    }
}
