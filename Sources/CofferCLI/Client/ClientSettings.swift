import Foundation

/// Where the CLI talks to and as whom: Vault's environment variables (and Coffer's),
/// then the token helper file `~/.vault-token`.
struct ClientSettings {
    var address: String
    var token: String?
    var caCertFile: String?

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ClientSettings {
        let address = environment["COFFER_ADDR"] ?? environment["VAULT_ADDR"] ?? environment["BAO_ADDR"] ?? "https://127.0.0.1:8200"
        var token = environment["COFFER_TOKEN"] ?? environment["VAULT_TOKEN"] ?? environment["BAO_TOKEN"]
        if token?.isEmpty ?? true { token = readTokenHelper(environment) }
        let caCert = environment["COFFER_CACERT"] ?? environment["VAULT_CACERT"] ?? environment["BAO_CACERT"]
        return ClientSettings(address: address, token: token, caCertFile: caCert)
    }

    static func tokenHelperPath(_ environment: [String: String]) -> String {
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.vault-token"
    }

    private static func readTokenHelper(_ environment: [String: String]) -> String? {
        guard let text = try? String(contentsOfFile: tokenHelperPath(environment), encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}
