import ArgumentParser
import CofferMountKit
import Foundation

/// `coffer path-help PATH`: `GET PATH?help=1`, as `vault path-help` sends it; the
/// table form is the `help` text, the JSON form the OpenAPI document. A server that
/// has no help for the path answers as it does, and that is printed.
struct PathHelpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "path-help", abstract: "Show the server's help for a path.")

    @OptionGroup var output: OutputOptions
    @Argument var path: String

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let answer = try await client.send("GET", path, query: "help=1")
        guard answer.status < 300 else {
            throw CLIError.api("Error retrieving help", method: "GET", url: client.url(path, query: "help=1"), answer: answer)
        }
        guard let body = answer.body else {
            print(String(decoding: answer.raw, as: UTF8.self))
            return
        }
        let format = OutputFormat.resolve(output.format)
        if format == .table {
            print(body["help"]?.stringValue ?? OutputFormat.json(body))
        } else {
            print(OutputFormat.structured(body["openapi"] ?? body, format) ?? "")
        }
    }
}
