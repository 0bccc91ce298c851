import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer operator init|unseal|seal|step-down|rotate|key-status|generate-root|rotate-keys`.
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator", abstract: "Initialize, unseal and seal the server.",
        subcommands: [
            InitCommand.self, UnsealCommand.self, SealCommand.self, StepDownCommand.self, RotateCommand.self, KeyStatusCommand.self,
            GenerateRootCommand.self, RotateKeysCommand.self,
        ]
    )
}

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Initialize a new server.")

    @Option(name: .customLong("key-shares"), help: "How many key shares to make.")
    var keyShares = 5

    @Option(name: .customLong("key-threshold"), help: "How many shares unseal.")
    var keyThreshold = 3

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        // Every field Vault's CLI sends, though Coffer has no PGP or recovery keys.
        let body: JSONValue = [
            "secret_shares": JSONValue(keyShares), "secret_threshold": JSONValue(keyThreshold), "pgp_keys": .null,
            "recovery_shares": 0, "recovery_threshold": 0, "recovery_pgp_keys": .null, "root_token_pgp_key": "",
        ]
        // The token goes along if there is one, as Vault's CLI sends it; init ignores it.
        let answer = try await client.send("PUT", "sys/init", body: body)
        guard answer.status == 200, let result = answer.body else {
            throw CLIError.api("Error initializing", method: "PUT", url: client.url("sys/init"), answer: answer)
        }
        let hexKeys = result["keys"]?.arrayValue ?? []
        let b64Keys = result["keys_base64"]?.arrayValue ?? []
        let format = OutputFormat.resolve(output.format)
        if format != .table {
            // The CLI's own field names (spec §15).
            print(
                OutputFormat.structured(
                    [
                        "unseal_keys_b64": .array(b64Keys), "unseal_keys_hex": .array(hexKeys),
                        "unseal_shares": JSONValue(keyShares), "unseal_threshold": JSONValue(keyThreshold),
                        "recovery_keys_b64": [], "recovery_keys_hex": [], "recovery_keys_shares": 0, "recovery_keys_threshold": 0,
                        "root_token": result["root_token"] ?? .null,
                    ], format) ?? "")
            return
        }
        for (index, key) in b64Keys.enumerated() {
            print("Unseal Key \(index + 1): \(OutputFormat.cell(key))")
        }
        print("\nInitial Root Token: \(OutputFormat.cell(result["root_token"] ?? .null))\n")
        print("Coffer initialized with \(keyShares) key shares and a key threshold of \(keyThreshold). Please securely")
        print("distribute the key shares printed above. When the server is re-sealed, restarted, or stopped,")
        print("you must supply at least \(keyThreshold) of these keys to unseal it before it can start servicing requests.")
    }
}

struct UnsealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unseal", abstract: "Provide one unseal key share.")

    @Flag(name: .customLong("reset"), help: "Discard the shares given so far.")
    var reset = false

    @Argument(help: "The key share; prompted for (without echo) when absent.")
    var key: String?

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let body: JSONValue
        if reset {
            body = ["reset": true]
        } else {
            let share = try key ?? TerminalPrompt.readSecret("Unseal Key (will be hidden): ")
            body = ["key": .string(share), "reset": false, "migrate": false]
        }
        let answer = try await client.send("PUT", "sys/unseal", body: body)
        guard answer.status == 200, let status = answer.body else {
            throw CLIError.api("Error unsealing", method: "PUT", url: client.url("sys/unseal"), answer: answer)
        }
        if let text = OutputFormat.structured(status, OutputFormat.resolve(output.format)) {
            print(text)
            return
        }
        print(OutputFormat.table(SealStatusTable.rows(status)))
    }
}

struct SealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seal", abstract: "Seal the server.")

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let answer = try await client.send("PUT", "sys/seal")
        guard answer.status < 300 else {
            throw CLIError.api("Error sealing", method: "PUT", url: client.url("sys/seal"), answer: answer)
        }
        print("Success! Coffer is sealed.")
    }
}
