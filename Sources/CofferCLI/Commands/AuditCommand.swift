import ArgumentParser
import CofferMountKit
import Foundation

/// `coffer audit enable|disable|list`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Manage audit devices.",
        subcommands: [Enable.self, Disable.self, List.self]
    )

    struct Enable: AsyncParsableCommand {
        @Option(name: .customLong("path")) var path: String?
        @Option(name: .customLong("description")) var description = ""
        @Argument var type: String
        @Argument(help: "Device options, key=value (file_path=/var/log/coffer/audit.log).") var options: [String] = []

        func run() async throws {
            let parsed = try KeyValueArguments.parse(options, stdin: { FileHandle.standardInput.readDataToEndOfFile() })
            let devicePath = path ?? type
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect(
                "Error enabling audit device", "PUT", "sys/audit/\(devicePath)",
                body: [
                    "type": .string(type), "description": .string(description), "options": parsed, "local": false,
                ])
            print("Success! Enabled the \(type) audit device at: \(devicePath.withTrailingSlash)")
        }
    }

    struct Disable: AsyncParsableCommand {
        @Argument var path: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            _ = try await client.expect("Error disabling audit device", "DELETE", "sys/audit/\(path)")
            print("Success! Disabled audit device (if it was enabled) at: \(path.withTrailingSlash)")
        }
    }

    struct List: AsyncParsableCommand {
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.expect("Error listing audit devices", "GET", "sys/audit")
            let devices = answer.body?["data"]?.objectValue ?? [:]
            if let text = OutputFormat.structured(.object(devices), OutputFormat.resolve(output.format)) {
                print(text)
                return
            }
            guard !devices.isEmpty else {
                print("No audit devices are enabled.")
                throw ExitCode(2)
            }
            print(
                OutputFormat.columns(
                    header: ["Path", "Type", "Description"],
                    rows: devices.sorted { $0.key < $1.key }.map { path, entry in
                        [path, OutputFormat.cell(entry["type"] ?? ""), OutputFormat.cell(entry["description"] ?? "")]
                    }))
        }
    }
}
