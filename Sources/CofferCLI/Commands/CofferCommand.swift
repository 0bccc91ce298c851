import ArgumentParser
import Foundation

/// `coffer`: the server and a Vault-compatible CLI client in one binary.
@main
struct CofferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coffer",
        abstract: "A secrets server for CI/CD that speaks the Vault HTTP API.",
        subcommands: [
            ServerCommand.self, StatusCommand.self, OperatorCommand.self,
            ReadCommand.self, WriteCommand.self, ListCommand.self, DeleteCommand.self,
            KVCommand.self, TokenCommand.self, PolicyCommand.self, SecretsCommand.self, LoginCommand.self,
            CIOIDCCommand.self, UnwrapCommand.self, AuditCommand.self,
        ]
    )

    /// Accepts Vault's single-dash long flags (`-dev`, `-field=token`) by rewriting
    /// them to the double-dash form before parsing.
    static func main() async {
        let arguments = VaultFlagSpelling.normalize(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(2)
        } catch let error as NoValueFound {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(2)
        } catch {
            exit(withError: error)
        }
    }
}
