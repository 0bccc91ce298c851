import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer login [TOKEN]` or `coffer login -method=NAME k=v...`: logs in, then stores
/// the token in `~/.vault-token` (the token helper file the `vault` CLI reads too).
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Authenticate locally.")

    @Option(name: .customLong("method"), help: "token, userpass, approle, jwt, cert, or any method's type.") var method = "token"
    @Option(name: .customLong("path"), help: "The mount path; defaults to the method's name.") var path: String?
    @Flag(name: .customLong("no-store"), help: "Do not store the token in the token helper.") var noStore = false
    @Flag(name: .customLong("no-print"), help: "Print nothing on success.") var noPrint = false
    @Flag(name: .customLong("token-only"), help: "Print only the token; implies -no-store.") var tokenOnly = false
    @OptionGroup var output: OutputOptions
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []

    func run() async throws {
        var settings = ClientSettings.fromEnvironment()
        let (given, pairs) = try splitArguments()
        let auth: JSONValue
        let mount = (path ?? method).trimmingSlashes
        if method == "token" {
            let token = try given ?? pairs["token"] ?? LoginMethod.prompt("token", "Token (will be hidden): ", settings)
            settings.token = token
            auth = try await lookupAuth(token: token, settings: settings, lookup: pairs["lookup"] != "false")
        } else {
            let handler = LoginMethod.named(method) ?? .generic(method)
            let call = try handler.call(mount: mount, pairs: pairs, settings: settings)
            let answer = try await APIClient(settings: settings).send(call.method, call.path, body: call.body, authenticated: false)
            guard answer.status < 300, let body = answer.body, body["auth"] != nil, body["auth"] != .null else {
                throw CLIError.api(
                    "Error authenticating", method: call.method, url: APIClient(settings: settings).url(call.path), answer: answer)
            }
            auth = body
        }
        try report(auth)
    }

    /// A positional token (token method only) and the `k=v` pairs.
    private func splitArguments() throws -> (String?, [String: String]) {
        var token: String?
        var pairs: [String: String] = [:]
        for argument in arguments {
            if let equals = argument.firstIndex(of: "=") {
                pairs[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
            } else if method == "token", token == nil {
                token =
                    argument == "-"
                    ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines) : argument
            } else {
                throw CLIError("Error parsing configuration: invalid key/value pair \"\(argument)\": format must be key=value", exitCode: 1)
            }
        }
        if pairs["jwt"] == "-" {
            pairs["jwt"] = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
        }
        return (token, pairs)
    }

    /// The token method checks the token with `lookup-self` and shows it as an auth block.
    private func lookupAuth(token: String, settings: ClientSettings, lookup: Bool) async throws -> JSONValue {
        guard lookup else { return ["auth": ["client_token": .string(token)]] }
        let client = APIClient(settings: settings)
        let answer = try await client.send("GET", "auth/token/lookup-self")
        guard answer.status < 300, let data = answer.body?["data"] else {
            throw CLIError.api(
                "Error authenticating: error looking up token", method: "GET", url: client.url("auth/token/lookup-self"), answer: answer)
        }
        return [
            "auth": [
                "client_token": .string(token), "accessor": data["accessor"] ?? "", "policies": data["policies"] ?? .null,
                "token_policies": data["policies"] ?? .null, "identity_policies": data["identity_policies"] ?? .null,
                "metadata": data["meta"] ?? .null, "orphan": data["orphan"] ?? false, "entity_id": data["entity_id"] ?? "",
                "lease_duration": data["ttl"] ?? 0, "renewable": data["renewable"] ?? false,
            ]
        ]
    }

    private func report(_ body: JSONValue) throws {
        let token = body["auth"]?["client_token"]?.stringValue ?? ""
        if tokenOnly {
            FileHandle.standardOutput.write(Data(token.utf8))
            return
        }
        if noStore {
            FileHandle.standardError.write(
                Data(
                    "The token was not stored in token helper. Set the VAULT_TOKEN environment\nvariable or pass the token below with each request to Vault.\n\n"
                        .utf8))
        } else {
            let path = ClientSettings.tokenHelperPath(ProcessInfo.processInfo.environment)
            // The file holds a credential: owner-only from its first byte (a temporary
            // file created 0600, renamed over the old one), as Vault's token helper.
            try PrivateFile.write(Data(token.utf8), to: path)
        }
        if noPrint { return }
        if output.field == nil, OutputFormat.resolve(output.format) == .table {
            print("Success! You are now authenticated. The token information displayed below is")
            print("already stored in the token helper. You do NOT need to run \"\(CommandLine.programName) login\" again.")
            print("Future Vault requests will automatically use this token.\n")
        }
        try ResponsePrinter(options: output).print(body)
    }
}
