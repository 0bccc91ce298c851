import ArgumentParser
import CofferMountKit
import Foundation

/// `coffer policy write|read|list|delete|fmt`.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Manage ACL policies.",
        subcommands: [Write.self, Read.self, List.self, Delete.self, Fmt.self]
    )

    struct Write: AsyncParsableCommand {
        @Argument var name: String
        @Argument(help: "A file, or - for standard input.") var file: String

        func run() async throws {
            let text: String
            if file == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIError("Error opening policy file: open \(file): \(PolicyFile.why(file))")
                }
                text = String(decoding: data, as: UTF8.self)
            }
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect("Error uploading policy", "PUT", "sys/policies/acl/\(name)", body: ["policy": .string(text)])
            print("Success! Uploaded policy: \(name)")
        }
    }

    struct Read: AsyncParsableCommand {
        @OptionGroup var output: OutputOptions
        @Argument var name: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.send("GET", "sys/policies/acl/\(name)")
            if answer.status == 404 { throw CLIError("No policy named: \(name)") }
            guard answer.status == 200, let body = answer.body else {
                throw CLIError.api(
                    "Error reading policy named \(name)", method: "GET", url: client.url("sys/policies/acl/\(name)"), answer: answer)
            }
            // Vault's CLI prints just the policy text under "policy".
            if let text = OutputFormat.structured(["policy": body["data"]?["policy"] ?? ""], OutputFormat.resolve(output.format)) {
                print(text)
            } else {
                print(body["data"]?["policy"]?.stringValue ?? "")
            }
        }
    }

    struct List: AsyncParsableCommand {
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.expect("Error listing policies", "GET", "sys/policies/acl", query: "list=true")
            let keys = answer.body?["data"]?["keys"] ?? []
            if let text = OutputFormat.structured(keys, OutputFormat.resolve(output.format)) {
                print(text)
            } else {
                print((keys.arrayValue ?? []).map(OutputFormat.cell).joined(separator: "\n"))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        @Argument var name: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect("Error deleting \(name)", "DELETE", "sys/policies/acl/\(name)")
            print("Success! Deleted policy: \(name)")
        }
    }

    /// Rewrites a policy file in canonical form, after checking that it parses.
    struct Fmt: AsyncParsableCommand {
        @Argument var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                // Vault's CLI: a usage-level failure, exit 1, with Go's error text.
                throw CLIError("Error reading source file: open \(file): \(PolicyFile.why(file))", exitCode: 1)
            }
            let formatted = try PolicyFormatter.format(String(decoding: data, as: UTF8.self))
            try Data(formatted.utf8).write(to: URL(fileURLWithPath: file))
            print("Success! Formatted policy: \(file)")
        }
    }
}

/// Go's words for why a file could not be opened, as Vault's CLI prints them.
enum PolicyFile {
    static func why(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file or directory" }
        return isDirectory.boolValue ? "is a directory" : "permission denied"
    }
}
