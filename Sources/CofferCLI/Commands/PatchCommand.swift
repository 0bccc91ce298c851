import ArgumentParser
import CofferMountKit
import Foundation

/// `coffer patch PATH k=v ...`: an HTTP PATCH with a JSON merge patch, as `vault patch`.
struct PatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "patch", abstract: "Patch data at a path.")

    @Flag(name: [.customShort("f"), .customLong("force")], help: "Patch even with no data.")
    var force = false

    @OptionGroup var output: OutputOptions
    @Argument var path: String
    @Argument(parsing: .allUnrecognized) var pairs: [String] = []

    func run() async throws {
        if pairs.isEmpty && !force { throw CLIError("Must supply data or use -force", exitCode: 1) }
        let body = try KeyValueArguments.parse(pairs, stdin: { FileHandle.standardInput.readDataToEndOfFile() })
        let client = APIClient(settings: .fromEnvironment())
        let answer = try await client.send("PATCH", path, body: pairs.isEmpty ? .null : body, contentType: "application/merge-patch+json")
        guard answer.status < 300 else {
            throw CLIError.api("Error writing data to \(path)", method: "PATCH", url: client.url(path), answer: answer)
        }
        guard answer.status == 200, let result = answer.body else {
            print("Success! Data written to: \(path)")
            return
        }
        try ResponsePrinter(options: output).print(result)
    }
}
