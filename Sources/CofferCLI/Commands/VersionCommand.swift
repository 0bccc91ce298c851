import ArgumentParser
import CofferCore
import Foundation

/// `coffer version`: the Vault API version Coffer speaks, as `vault version` prints it.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    @OptionGroup var output: OutputOptions

    func run() throws {
        print("Coffer v\(CofferVersion.vaultVersion), built \(CofferVersion.buildDate)")
    }
}

/// `coffer print token`: the token the CLI would send, for `$(vault print token)`.
struct PrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "print", abstract: "Print runtime values.", subcommands: [Token.self])

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "token", abstract: "Print the token in use.")

        func run() throws {
            print(ClientSettings.fromEnvironment().token ?? "")
        }
    }
}
