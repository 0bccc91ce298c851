import ArgumentParser
import CofferEncoding
import Foundation

/// `operator rotate-keys` (and its old name `operator rekey`): new unseal key
/// shares from a quorum of the current ones, over `sys/rotate/root/*` as
/// OpenBao's CLI does. With `-verify` the shares given are the new ones, proving
/// they were received before they replace the old.
struct RotateKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-keys", abstract: "Generate new unseal key shares (and a new root key).", aliases: ["rekey"])

    @Flag(name: .customLong("init"), help: "Start a rotation.") var start = false
    @Flag(name: .customLong("cancel"), help: "Discard the rotation (or, with -verify, restart its verification).") var cancel = false
    @Flag(name: .customLong("status"), help: "Show the rotation's progress.") var status = false
    @Flag(name: .customLong("verify"), help: "With -init: require the new shares back; alone: give a new share.") var verify = false
    @Option(name: .customLong("key-shares"), help: "How many new key shares to make.") var keyShares = 5
    @Option(name: .customLong("key-threshold"), help: "How many new shares unseal.") var keyThreshold = 3
    @Option(name: .customLong("nonce"), help: "The rotation's nonce, given with each share.") var nonce = ""
    @Option(name: .customLong("pgp-keys"), help: "Not supported: the new shares are returned in the clear.") var pgpKeys = ""
    @Flag(name: .customLong("backup"), help: "Not supported (it applies to PGP-encrypted shares only).") var backup = false
    @Option(name: .customLong("target"), help: "Only \"barrier\": Coffer has no recovery keys.") var target = "barrier"
    @OptionGroup var output: OutputOptions
    @Argument(help: "A key share; \"-\" reads stdin, none prompts.") var arguments: [String] = []

    static let initPath = "sys/rotate/root/init"
    static let verifyPath = "sys/rotate/root/verify"

    func run() async throws {
        guard arguments.count <= 1 else { throw CLIError("Too many arguments (expected 0-1, got \(arguments.count))", exitCode: 1) }
        guard target.lowercased() == "barrier" else {
            throw CLIError("Unknown target \"\(target)\": Coffer has no recovery keys; use -target=barrier", exitCode: 1)
        }
        if !pgpKeys.isEmpty || backup {
            throw CLIError("PGP-encrypted key shares (-pgp-keys, -backup) are not supported by Coffer", exitCode: 1)
        }
        let client = APIClient(settings: .fromEnvironment())
        let format = OutputFormat.resolve(output.format)
        if cancel {
            _ = try await client.expect("Error canceling rotation", "DELETE", verify ? Self.verifyPath : Self.initPath)
            print("Success! Canceled rotation (if it was started)")
        } else if start {
            let body: JSONValue = [
                "secret_shares": JSONValue(keyShares), "secret_threshold": JSONValue(keyThreshold), "pgp_keys": .null,
                "backup": false, "require_verification": .bool(verify),
            ]
            _ = try await client.expect("Error initializing rotation", "POST", Self.initPath, body: body)
            Self.showStatus(try await Self.status(client, verifying: false), verifying: false, format)
        } else if status {
            Self.showStatus(try await Self.status(client, verifying: verify), verifying: verify, format)
        } else {
            try await provide(client, format)
        }
    }

    /// One share for the rotation (or its verification): from the argument, stdin (`-`) or a prompt.
    private func provide(_ client: APIClient, _ format: OutputFormat) async throws {
        let current = try await Self.status(client, verifying: verify)
        guard current["started"] == .bool(true) else {
            let start = "\(CommandLine.programName) operator rotate-keys -init"
            throw CLIError(
                GenerateRootCommand.wrap("No rotation is in progress. Start a rotation process by running \"\(start)\"."), exitCode: 1)
        }
        var key = arguments.first ?? ""
        var operationNonce = nonce
        switch key {
        case "-":
            key = client.settings.nonInteractive ? "" : String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        case "":
            guard !client.settings.nonInteractive else {
                throw CLIError(
                    "Refusing to read from stdin with -non-interactive specified; specify nonce via the -nonce flag", exitCode: 1)
            }
            operationNonce = current["nonce"]?.stringValue ?? ""
            FileHandle.standardError.write(Data("rotation nonce: \(operationNonce)\n".utf8))
            key = try TerminalPrompt.readSecret("Unseal Key (will be hidden): ")
        default:
            break
        }
        guard !operationNonce.isEmpty else { throw CLIError("Missing nonce value: specify it via the -nonce flag", exitCode: 1) }
        let body: JSONValue = ["key": .string(key.trimmingCharacters(in: .whitespacesAndNewlines)), "nonce": .string(operationNonce)]
        let path = verify ? Self.verifyPath : "sys/rotate/root/update"
        let answer = try await client.expect("Error posting unseal key", "PUT", path, body: body)
        let data = answer.body?["data"] ?? .null
        guard data["complete"] == .bool(true) else {
            Self.showStatus(data, verifying: verify, format)
            return
        }
        if verify {
            if let text = OutputFormat.structured(data, format) { return print(text) }
            print("Success! Rotation verified: the new unseal key shares are active (nonce \(OutputFormat.cell(data["nonce"] ?? "")))")
            return
        }
        // The new configuration, as the status before this share named it.
        Self.showKeys(data, threshold: OutputFormat.cell(current["t"] ?? 0), format)
    }

    private static func status(_ client: APIClient, verifying: Bool) async throws -> JSONValue {
        let path = verifying ? verifyPath : initPath
        return try await client.expect("Error reading rotation status", "GET", path).body?["data"] ?? .null
    }

    /// The rotation's progress as OpenBao's CLI prints it: every field in JSON or
    /// YAML, the set ones as columns in a table.
    static func showStatus(_ data: JSONValue, verifying: Bool, _ format: OutputFormat) {
        let names =
            verifying
            ? ["nonce", "started", "t", "n", "progress"]
            : [
                "nonce", "started", "t", "n", "progress", "required", "pgp_fingerprints", "backup", "verification_required",
                "verification_nonce",
            ]
        let defaults: [String: JSONValue] = [
            "nonce": "", "started": false, "t": 0, "n": 0, "progress": 0, "required": 0, "pgp_fingerprints": .null, "backup": false,
            "verification_required": false, "verification_nonce": "",
        ]
        var fields: [String: JSONValue] = [:]
        for name in names { fields[name] = data[name] ?? defaults[name] }
        if let text = OutputFormat.structured(.object(fields), format) {
            print(text)
            return
        }
        func text(_ key: String) -> String { fields[key].map(OutputFormat.cell) ?? "" }
        var rows: [[String]]
        if verifying {
            rows = [
                ["Started", text("started")], ["New Shares", text("n")], ["New Threshold", text("t")],
                ["Verification Nonce", text("nonce")], ["Verification Progress", "\(text("progress"))/\(text("t"))"],
            ]
        } else {
            rows = [
                ["Nonce", text("nonce")], ["Started", text("started")], ["Progress", "\(text("progress"))/\(text("required"))"],
                ["New Shares", text("n")], ["New Threshold", text("t")], ["Verification Required", text("verification_required")],
            ]
            if !text("verification_nonce").isEmpty { rows.append(["Verification Nonce", text("verification_nonce")]) }
        }
        print(OutputFormat.columns(header: ["Key", "Value"], rows: rows.map { $0.map { $0.isEmpty ? "n/a" : $0 } }))
    }

    /// The new shares, printed once: nothing keeps them.
    static func showKeys(_ data: JSONValue, threshold: String, _ format: OutputFormat) {
        if let text = OutputFormat.structured(data, format) {
            print(text)
            return
        }
        let keys = data["keys_base64"]?.arrayValue ?? data["keys"]?.arrayValue ?? []
        print("")
        for (index, key) in keys.enumerated() { print("Key \(index + 1): \(OutputFormat.cell(key))") }
        print("\nOperation nonce: \(OutputFormat.cell(data["nonce"] ?? ""))\n")
        let shape = "\(keys.count) key shares and a key threshold of \(threshold)"
        if data["verification_required"] == .bool(true) {
            print(
                GenerateRootCommand.wrap(
                    "Coffer has created a new unseal key, split into \(shape). These will not be active until after verification is complete: give \(threshold) of them back with \"operator rotate-keys -verify\". Until then the current key shares still unseal; do not discard them."
                ))
        } else {
            print(
                GenerateRootCommand.wrap(
                    "Coffer unseal keys rotated to \(shape). Please securely distribute the key shares printed above. When Coffer is re-sealed, restarted, or stopped, you must supply at least \(threshold) of these keys to unseal it before it can start servicing requests."
                ))
        }
    }
}
