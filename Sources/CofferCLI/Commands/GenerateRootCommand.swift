import ArgumentParser
import CofferEncoding
import Foundation

/// `operator generate-root`: a new root token from a quorum of unseal key shares,
/// over `sys/generate-root-token/*` as OpenBao's CLI does; the token comes back
/// XORed with a one-time password and `-decode` turns it into the token.
struct GenerateRootCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate-root", abstract: "Generate a new root token.")

    @Flag(name: .customLong("init"), help: "Start a root token generation.") var start = false
    @Flag(name: .customLong("status"), help: "Show the attempt's progress.") var status = false
    @Flag(name: .customLong("cancel"), help: "Discard the attempt and its shares.") var cancel = false
    @Flag(name: .customLong("generate-otp"), help: "Print a one-time password of the right length.") var generateOTP = false
    @Flag(name: .customLong("recovery-token"), help: "Not supported: Coffer has no recovery keys.") var recoveryToken = false
    @Option(name: .customLong("otp"), help: "The one-time password the token is XORed with.") var otp = ""
    @Option(name: .customLong("pgp-key"), help: "Not supported: use an OTP.") var pgpKey = ""
    @Option(name: .customLong("nonce"), help: "The attempt's nonce, given with each share.") var nonce = ""
    @Option(name: .customLong("decode"), help: "An encoded token to decode with -otp (\"-\" reads stdin).") var decode = ""
    @OptionGroup var output: OutputOptions
    @Argument(help: "An unseal key share; \"-\" reads stdin, none prompts.") var arguments: [String] = []

    static let attemptPath = "sys/generate-root-token/attempt"

    func run() async throws {
        guard arguments.count <= 1 else { throw CLIError("Too many arguments (expected 0-1, got \(arguments.count))", exitCode: 1) }
        if recoveryToken { throw CLIError("Recovery tokens are not supported: Coffer has no recovery keys", exitCode: 1) }
        let client = APIClient(settings: .fromEnvironment())
        let format = OutputFormat.resolve(output.format)
        if generateOTP {
            let generated = try await Self.newOTP(client)
            print(OutputFormat.structured(["otp": .string(generated), "otp_length": JSONValue(generated.utf8.count)], format) ?? generated)
        } else if !decode.isEmpty {
            try await decodeToken(client, format)
        } else if cancel {
            _ = try await client.expect("Error canceling root token generation", "DELETE", Self.attemptPath)
            print("Success! Root token generation canceled (if it was started)")
        } else if start {
            if !otp.isEmpty && !pgpKey.isEmpty { throw CLIError("Error initializing: cannot specify both -otp and -pgp-key", exitCode: 1) }
            let body: JSONValue = ["otp": .string(otp), "pgp_key": .string(pgpKey)]
            let answer = try await client.expect("Error initializing root generation", "PUT", Self.attemptPath, body: body)
            Self.show(answer.body?["data"] ?? .null, format)
        } else if status {
            Self.show(try await Self.status(client), format)
        } else {
            try await provide(client, format)
        }
    }

    /// One share for the open attempt: from the argument, stdin (`-`) or a prompt.
    private func provide(_ client: APIClient, _ format: OutputFormat) async throws {
        let current = try await Self.status(client)
        guard current["started"] == .bool(true) else {
            let program = CommandLine.programName
            let length = OutputFormat.cell(current["otp_length"] ?? 0)
            let notStarted =
                "No root generation is in progress. Start a root generation by running \"\(program) operator generate-root -init\"."
            let otpHint =
                "If starting root generation using the OTP method and generating your own OTP, the length of the OTP string needs to be \(length) characters in length."
            let text = Self.wrap(notStarted) + "\n" + Self.wrap(otpHint)
            throw CLIError(text, exitCode: 1)
        }
        var key = arguments.first ?? ""
        var attemptNonce = nonce
        switch key {
        case "-":
            key = client.settings.nonInteractive ? "" : String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        case "":
            guard !client.settings.nonInteractive else {
                throw CLIError(
                    Self.wrap("Refusing to read from stdin with -non-interactive specified; specify nonce via the -nonce flag"), exitCode: 1
                )
            }
            attemptNonce = current["nonce"]?.stringValue ?? ""
            FileHandle.standardError.write(Data("Operation nonce: \(attemptNonce)\n".utf8))
            key = try TerminalPrompt.readSecret("Unseal Key (will be hidden): ")
        default:
            break
        }
        guard !attemptNonce.isEmpty else { throw CLIError("Missing nonce value: specify it via the -nonce flag", exitCode: 1) }
        let body: JSONValue = ["key": .string(key.trimmingCharacters(in: .whitespacesAndNewlines)), "nonce": .string(attemptNonce)]
        let answer = try await client.expect("Error posting unseal key", "PUT", "sys/generate-root-token/update", body: body)
        Self.show(answer.body?["data"] ?? .null, format)
    }

    private func decodeToken(_ client: APIClient, _ format: OutputFormat) async throws {
        guard !otp.isEmpty else { throw CLIError("Missing otp: use -otp to supply it", exitCode: 1) }
        var encoded = decode
        if encoded == "-" {
            encoded = client.settings.nonInteractive ? "" : String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            guard !encoded.isEmpty else {
                throw CLIError("Missing encoded value. When using -decode=\"-\" value must be passed via stdin.", exitCode: 1)
            }
        }
        _ = try await Self.status(client)
        let token: String
        do {
            token = try RootTokenDecoding.decode(encoded, otp: otp)
        } catch let error as CLIError {
            throw CLIError("Error decoding root token: \(error.description)", exitCode: 1)
        }
        print(OutputFormat.structured(["token": .string(token)], format) ?? token)
    }

    private static func status(_ client: APIClient) async throws -> JSONValue {
        try await client.expect("Error getting root generation status", "GET", attemptPath).body?["data"] ?? .null
    }

    /// An OTP as long as the server's tokens (`otp_length`), of base62 characters.
    private static func newOTP(_ client: APIClient) async throws -> String {
        var length = 26
        if case .int(let given)? = try await status(client)["otp_length"], given > 0, given <= 1024 { length = Int(given) }
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// The attempt as Vault's CLI prints it: every field of its status in JSON or
    /// YAML, the set ones as columns in a table.
    static func show(_ data: JSONValue, _ format: OutputFormat) {
        var fields: [String: JSONValue] = [
            "nonce": "", "started": false, "progress": 0, "required": 0, "complete": false, "encoded_token": "",
            "encoded_root_token": "", "pgp_fingerprint": "", "otp": "", "otp_length": 0,
        ]
        for (key, value) in data.objectValue ?? [:] where fields[key] != nil { fields[key] = value }
        if let text = OutputFormat.structured(.object(fields), format) {
            print(text)
            return
        }
        func text(_ key: String) -> String { fields[key].map(OutputFormat.cell) ?? "" }
        var rows = [
            ["Nonce", text("nonce")], ["Started", text("started")], ["Progress", "\(text("progress"))/\(text("required"))"],
            ["Complete", text("complete")],
        ]
        if !text("pgp_fingerprint").isEmpty { rows.append(["PGP Fingerprint", text("pgp_fingerprint")]) }
        if !text("encoded_token").isEmpty { rows.append(["Encoded Token", text("encoded_token")]) }
        if !text("otp").isEmpty {
            FileHandle.standardError.write(
                Data(
                    (wrap(
                        "A One-Time-Password has been generated for you and is shown in the OTP field. You will need this value to decode the resulting root token, so keep it safe."
                    ) + "\n").utf8))
            rows.append(["OTP", text("otp")])
        }
        if text("otp_length") != "0" { rows.append(["OTP Length", text("otp_length")]) }
        // Vault's column output shows an empty cell as "n/a".
        print(OutputFormat.columns(header: nil, rows: rows.map { $0.map { $0.isEmpty ? "n/a" : $0 } }))
    }

    /// Vault's `wrapAtLength`: words wrapped greedily at 80 columns.
    static func wrap(_ text: String, width: Int = 80) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}

/// Decodes an encoded root token (unpadded base64 of token XOR OTP), as Vault's
/// CLI does locally, with its error texts.
enum RootTokenDecoding {
    static func decode(_ encoded: String, otp: String) throws -> String {
        var text = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        text += String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        guard let mixed = Data(base64Encoded: text) else {
            throw CLIError("error decoding base64'd token: illegal base64 data")
        }
        let otpBytes = Array(otp.utf8)
        guard mixed.count == otpBytes.count else {
            throw CLIError("error xoring token: length of byte slices is not equivalent: \(mixed.count) != \(otpBytes.count)")
        }
        return String(decoding: zip(mixed, otpBytes).map { $0 ^ $1 }, as: UTF8.self)
    }
}
