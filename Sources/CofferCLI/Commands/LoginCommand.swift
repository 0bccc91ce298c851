import ArgumentParser
import CofferMountKit
import Foundation

/// `coffer login TOKEN`: checks the token, then stores it in `~/.vault-token`
/// (the token helper file the `vault` CLI reads too).
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Authenticate with a token.")

    @Argument var token: String?

    func run() async throws {
        let given = try token ?? TerminalPrompt.readSecret("Token (will be hidden): ")
        var settings = ClientSettings.fromEnvironment()
        settings.token = given
        let answer = try await APIClient(settings: settings).expect("Error authenticating", "GET", "auth/token/lookup-self")
        let path = ClientSettings.tokenHelperPath(ProcessInfo.processInfo.environment)
        try Data(given.utf8).write(to: URL(fileURLWithPath: path))
        // The file holds a credential: owner-only.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let policies = answer.body?["data"]?["policies"]?.arrayValue?.compactMap(\.stringValue) ?? []
        print("Success! You are now authenticated. The token is stored in the token helper.")
        print(OutputFormat.table([("token_policies", "[" + policies.joined(separator: " ") + "]")]))
    }
}
