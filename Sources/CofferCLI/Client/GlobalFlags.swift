import Synchronization

/// The flags Vault's CLI takes on every client command (`-address`, `-ca-cert`,
/// `-namespace`, `-output-curl-string`, ...). They are taken out of the arguments
/// before ArgumentParser sees them, so every command accepts them without
/// declaring them, and they override the environment.
struct GlobalFlags: Sendable, Equatable {
    var address: String?
    var caCert: String?
    var caPath: String?
    var clientCert: String?
    var clientKey: String?
    var skipVerify: Bool?
    var namespace: String?
    var wrapTTL: String?
    var outputCurlString = false
    var nonInteractive = false

    /// The flags of this run, set once by `main` before any command runs.
    private static let storage = Mutex(GlobalFlags())
    static var current: GlobalFlags {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    /// Commands whose own flags these names could shadow: left alone.
    private static let ownFlagCommands: Set<String> = ["server", "ci-oidc", "radar"]

    private static var valued: [String: WritableKeyPath<GlobalFlags, String?>] {
        [
            "address": \.address, "ca-cert": \.caCert, "ca-path": \.caPath, "client-cert": \.clientCert,
            "client-key": \.clientKey, "namespace": \.namespace, "ns": \.namespace, "wrap-ttl": \.wrapTTL,
        ]
    }

    /// Splits the arguments into the global flags and the rest. Stops at `--`, after
    /// which everything belongs to a child command (`coffer run -- cmd -address=x`).
    static func extract(_ arguments: [String]) -> (GlobalFlags, [String]) {
        var flags = GlobalFlags()
        guard let first = arguments.first, !ownFlagCommands.contains(first) else { return (flags, arguments) }
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                rest.append(contentsOf: arguments[(index - 1)...])
                break
            }
            guard argument.hasPrefix("-"), argument.count > 1 else {
                rest.append(argument)
                continue
            }
            let body = argument.drop { $0 == "-" }
            let name = String(body.prefix { $0 != "=" })
            let inlineValue = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
            if let key = valued[name] {
                if let inlineValue {
                    flags[keyPath: key] = inlineValue
                } else if index < arguments.count {
                    flags[keyPath: key] = arguments[index]
                    index += 1
                } else {
                    rest.append(argument)
                }
                continue
            }
            switch name {
            case "tls-skip-verify": flags.skipVerify = inlineValue.map(isTrue) ?? true
            case "output-curl-string": flags.outputCurlString = inlineValue.map(isTrue) ?? true
            case "non-interactive": flags.nonInteractive = inlineValue.map(isTrue) ?? true
            default: rest.append(argument)
            }
        }
        return (flags, rest)
    }

    private static func isTrue(_ text: String) -> Bool {
        ["1", "t", "true", "yes"].contains(text.lowercased())
    }
}
