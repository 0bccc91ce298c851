import ArgumentParser
import CofferEncoding
import Foundation

/// `auth move` and `secrets move`: `sys/remount`, then its status until the move
/// ends, with the lines and exit codes of Vault's CLI.
enum MountMove {
    /// Moves `source` to `destination`; `noun` is "secrets engine" or "auth method".
    static func run(_ arguments: [String], noun: String) async throws {
        guard arguments.count >= 2 else { throw CLIError("Not enough arguments (expected 2, got \(arguments.count))", exitCode: 1) }
        guard arguments.count == 2 else { throw CLIError("Too many arguments (expected 2, got \(arguments.count))", exitCode: 1) }
        let source = arguments[0].withTrailingSlash
        let destination = arguments[1].withTrailingSlash
        let subject = "\(noun) \(source) to \(destination)"
        let client = APIClient(settings: .fromEnvironment())
        let body: JSONValue = ["from": .string(source), "to": .string(destination)]
        let started = try await client.expect("Error moving \(subject)", "POST", "sys/remount", body: body)
        let id = started.body?["data"]?["migration_id"]?.stringValue ?? started.body?["migration_id"]?.stringValue ?? ""
        print("Started moving \(subject), with migration ID \(id)")
        while true {
            let status = try await client.expect("Error checking migration status of \(subject)", "GET", "sys/remount/status/\(id)")
            switch status.body?["data"]?["migration_info"]?["status"]?.stringValue {
            case "success":
                print("Success! Finished moving \(subject), with migration ID \(id)")
                return
            case "failure":
                // Vault's CLI reports a failed move on stderr and still exits 0.
                FileHandle.standardError.write(Data("Failure! Error encountered moving \(subject), with migration ID \(id)\n".utf8))
                return
            default:
                print("Waiting for terminal status in migration of \(subject), with migration ID \(id)")
                try await Task.sleep(for: .seconds(10))
            }
        }
    }
}

extension AuthCommand {
    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move an auth method to a new path.")
        @Argument var paths: [String] = []

        func run() async throws { try await MountMove.run(paths, noun: "auth method") }
    }
}

extension SecretsCommand {
    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a secrets engine to a new path.")
        @Argument var paths: [String] = []

        func run() async throws { try await MountMove.run(paths, noun: "secrets engine") }
    }
}
