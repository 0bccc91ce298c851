import Foundation

/// Where the CLI talks to, as whom and how: Vault's environment variables (and the
/// same names with `COFFER_` and `BAO_`, since users move between the three), the
/// global flags that override them, then the token helper file `~/.vault-token`.
struct ClientSettings {
    var address: String
    var token: String?
    var caCertFile: String?
    /// `VAULT_CAPATH`: a directory of PEM CA certificates.
    var caPath: String?
    var clientCertFile: String?
    var clientKeyFile: String?
    var skipVerify = false
    /// Sent as `X-Vault-Namespace` on every request.
    var namespace: String?
    /// Sent as `X-Vault-Wrap-TTL` on every request, as Vault's default wrapping lookup does.
    var wrapTTL: String?
    /// Retries on 412 and 5xx (not 501); Vault's default is 2.
    var maxRetries = 2
    /// `-output-curl-string`: print the request as a curl command instead of sending it.
    var outputCurlString = false
    /// `-non-interactive`: never prompt; a missing secret is an error.
    var nonInteractive = false

    static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        flags: GlobalFlags = GlobalFlags.current
    ) -> ClientSettings {
        let lookup = EnvironmentLookup(environment: environment)
        var settings = ClientSettings(address: flags.address ?? lookup["ADDR"] ?? "https://127.0.0.1:8200")
        settings.token = lookup["TOKEN"]
        if settings.token?.isEmpty ?? true { settings.token = readTokenHelper(environment) }
        settings.caCertFile = flags.caCert ?? lookup["CACERT"]
        settings.caPath = flags.caPath ?? lookup["CAPATH"]
        settings.clientCertFile = flags.clientCert ?? lookup["CLIENT_CERT"]
        settings.clientKeyFile = flags.clientKey ?? lookup["CLIENT_KEY"]
        settings.skipVerify = flags.skipVerify ?? lookup.flag("SKIP_VERIFY")
        // Canonical form, as Vault's client sends it: no leading slash, one trailing.
        settings.namespace = (flags.namespace ?? lookup["NAMESPACE"]).map { $0.trimmingSlashes + "/" }.flatMap { $0 == "/" ? nil : $0 }
        settings.wrapTTL = flags.wrapTTL ?? lookup["WRAP_TTL"]
        if let retries = lookup["MAX_RETRIES"].flatMap({ Int($0) }), retries >= 0 { settings.maxRetries = min(retries, 100) }
        settings.outputCurlString = flags.outputCurlString
        settings.nonInteractive = flags.nonInteractive
        return settings
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

/// One client setting by its suffix (`ADDR`), under `COFFER_`, `VAULT_` then `BAO_`.
struct EnvironmentLookup {
    let environment: [String: String]

    subscript(_ suffix: String) -> String? {
        for prefix in ["COFFER_", "VAULT_", "BAO_"] {
            if let value = environment[prefix + suffix], !value.isEmpty { return value }
        }
        return nil
    }

    /// A boolean as Go's `strconv.ParseBool` reads it; anything else is false.
    func flag(_ suffix: String) -> Bool {
        guard let value = self[suffix] else { return false }
        return ["1", "t", "true", "yes"].contains(value.lowercased())
    }
}
