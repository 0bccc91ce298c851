import ArgumentParser
import CofferServer
import Foundation
import Logging

/// `coffer server -dev` or `coffer server -config=FILE`.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "server", abstract: "Run the Coffer server.")

    @Flag(name: .customLong("dev"), help: "In-memory, unsealed, with a root token and KV v2 at secret/.")
    var dev = false

    @Option(name: .customLong("dev-root-token-id"), help: "The dev root token's id.")
    var devRootTokenID: String?

    @Option(name: .customLong("dev-listen-address"), help: "HOST:PORT for the dev listener.")
    var devListenAddress = "127.0.0.1:8200"

    @Option(name: .customLong("config"), help: "An HCL config file.")
    var config: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, warn, error.")
    var logLevel: String?

    func validate() throws {
        if !dev && config == nil { throw ValidationError("give -config=FILE, or -dev for a development server") }
    }

    func run() async throws {
        var settings = ServerConfig()
        if let config {
            let text: String
            do {
                text = try String(contentsOfFile: config, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read config file \(config): \(error.localizedDescription)")
            }
            do {
                settings = try ServerConfig(hcl: text)
            } catch {
                throw ValidationError("\(config): \(error)")
            }
        } else {
            settings.storage = .inmem
        }
        if dev { settings.storage = .inmem }
        let level = Logger.Level(vaultName: logLevel ?? settings.logLevel)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "coffer")
        let devOptions = dev ? ServerAssembly.DevOptions(rootTokenID: devRootTokenID, listenAddress: devListenAddress) : nil
        try await ServerAssembly.run(config: settings, dev: devOptions, logger: logger)
    }
}

extension Logger.Level {
    /// Vault's level names (`warn`, `err`) as well as swift-log's.
    init(vaultName: String) {
        switch vaultName.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "warn", "warning": self = .warning
        case "err", "error": self = .error
        default: self = .info
        }
    }
}
