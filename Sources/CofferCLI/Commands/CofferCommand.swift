import ArgumentParser
import Foundation

/// `coffer`: the server and a Vault-compatible CLI client in one binary; installed
/// as `vault` it takes the Vault CLI's commands, flags and exit codes.
@main
struct CofferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coffer",
        abstract: "A secrets server for CI/CD that speaks the Vault HTTP API.",
        subcommands: [
            ServerCommand.self, StatusCommand.self, OperatorCommand.self,
            ReadCommand.self, WriteCommand.self, ListCommand.self, DeleteCommand.self, PatchCommand.self,
            KVCommand.self, TokenCommand.self, PolicyCommand.self, SecretsCommand.self, AuthCommand.self, LoginCommand.self,
            LeaseCommand.self, VersionCommand.self, PrintCommand.self, PathHelpCommand.self,
            CIOIDCCommand.self, UnwrapCommand.self, AuditCommand.self, RunCommand.self, RadarCommand.self,
            ExplainCommand.self, LintCommand.self,
        ]
    )

    /// Accepts Vault's single-dash long flags (`-dev`, `-field=token`) by rewriting
    /// them to the double-dash form before parsing, and takes the global client
    /// flags (`-address`, `-output-curl-string`, ...) out first.
    static func main() async {
        let (flags, rest) = GlobalFlags.extract(Array(CommandLine.arguments.dropFirst()))
        GlobalFlags.current = flags
        let arguments = VaultFlagSpelling.normalize(rest)
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            // A chosen exit status (`status` while sealed, `run`'s child): as is.
            Foundation.exit(code.rawValue)
        } catch is CurlStringPrinted {
            Foundation.exit(0)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(error.exitCode)
        } catch let error as NoValueFound {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(2)
        } catch {
            // Usage errors exit 1 in Vault's CLI, not ArgumentParser's 64.
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
