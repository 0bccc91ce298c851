import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer lease renew|revoke|lookup`, as `vault lease`.
struct LeaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lease", abstract: "Renew, revoke and look up leases.",
        subcommands: [Renew.self, Revoke.self, Lookup.self]
    )

    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Renew a lease.")
        @Option(name: .customLong("increment")) var increment: String?
        @OptionGroup var output: OutputOptions
        @Argument var leaseID: String

        func run() async throws {
            var body: [String: JSONValue] = ["lease_id": .string(leaseID), "increment": 0]
            if let increment { body["increment"] = .int(try TokenFlags.seconds(increment, flag: "increment")) }
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.expect("Error renewing \(leaseID)", "PUT", "sys/leases/renew", body: .object(body))
            try ResponsePrinter(options: output).print(answer.body ?? .null)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a lease, or every lease under a prefix.")
        @Flag(name: .customLong("prefix")) var prefix = false
        @Flag(name: .customLong("force")) var force = false
        @Flag(name: .customLong("sync")) var sync = false
        @Argument var leaseID: String

        func run() async throws {
            if force && !prefix { throw CLIError("Specifying -force requires also specifying -prefix", exitCode: 1) }
            let client = APIClient(settings: .fromEnvironment())
            if force {
                _ = try await client.expect(
                    "Error force revoking leases with prefix \(leaseID)", "PUT", "sys/leases/revoke-force/\(leaseID)")
                print("Success! Force revoked any leases with prefix: \(leaseID)")
                return
            }
            let path = prefix ? "sys/leases/revoke-prefix/\(leaseID)" : "sys/leases/revoke/\(leaseID)"
            let action = prefix ? "Error revoking leases with prefix \(leaseID)" : "Error revoking lease \(leaseID)"
            _ = try await client.expect(action, "PUT", path, body: ["sync": .bool(sync)])
            if sync {
                print(prefix ? "Success! Revoked any leases with prefix: \(leaseID)" : "Success! Revoked lease: \(leaseID)")
            } else {
                print("All revocation operations queued successfully!")
            }
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a lease's details.")
        @OptionGroup var output: OutputOptions
        @Argument var leaseID: String

        func run() async throws {
            let client = APIClient(settings: .fromEnvironment())
            let answer = try await client.expect(
                "error looking up lease id \(leaseID)", "PUT", "sys/leases/lookup", body: ["lease_id": .string(leaseID)])
            try ResponsePrinter(options: output).print(answer.body ?? .null)
        }
    }
}
