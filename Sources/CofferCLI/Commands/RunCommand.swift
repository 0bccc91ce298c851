import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer run --env NAME=path#field ... -- command args`: logs in with the job's
/// OIDC token (or uses `VAULT_TOKEN`), reads the secrets, and runs the command with
/// them in its environment only: never on disk, never printed, never in this
/// process's own environment. Exits as the command did; revokes a token it made.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a command with secrets in its environment.",
        discussion: "Example: coffer run --role deploy --env DB_PASSWORD=secret/ci/db#password -- ./deploy.sh"
    )

    @Option(name: .customLong("role"), help: "The JWT role to log in with.") var role: String?
    @Option(name: .customLong("mount"), help: "The JWT auth mount.") var mount = "jwt"
    @Option(name: .customLong("jwt-env"), help: "The variable that holds the job's OIDC token.") var jwtEnv = "CIRCLE_OIDC_TOKEN_V2"
    @Option(name: .customLong("env"), help: "NAME=path#field; repeat for more.") var references: [String] = []
    @Option(name: .customLong("template"), help: "FILE:DEST: render a Vault Agent style template to DEST (0600) while the command runs.")
    var templates: [String] = []
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command to run after --") }
        for reference in references { _ = try SecretReference.parse(reference) }
        for template in templates { _ = try TemplateFiles.Spec.parse(template) }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let parsed = try references.map(SecretReference.parse)
        var settings = ClientSettings.fromEnvironment()
        let session = try await RunLogin(role: role, mount: mount.trimmingSlashes, jwtVariable: jwtEnv)
            .session(settings: settings, environment: environment)
        settings.token = session.token
        let client = APIClient(settings: settings)
        let outcome: ChildProcess.Outcome
        var rendered: [String] = []
        // Rendered files go with the command, however it ends.
        defer { TemplateFiles.remove(rendered) }
        do {
            let values = try await SecretReader(client: client).read(parsed)
            rendered = try await TemplateFiles(specs: templates.map(TemplateFiles.Spec.parse)).render(with: client)
            // The token this command logged in with is never put in any environment.
            let childEnvironment = environment.merging(values) { _, secret in secret }
            outcome = try ChildProcess(arguments: command, environment: childEnvironment).run()
        } catch {
            await session.end(client)
            if let failure = error as? ChildProcess.SpawnFailure { throw CLIError("coffer run: \(failure.description)", exitCode: 127) }
            throw error
        }
        await session.end(client)
        throw ExitCode(outcome.shellStatus)
    }
}

/// Where `coffer run` gets its token, and whether it must revoke it at the end.
struct RunLogin {
    struct Session {
        let token: String
        let ownsToken: Bool

        /// Revokes a token this run logged in for (`revoke-self`); a given token stays.
        func end(_ client: APIClient) async {
            guard ownsToken else { return }
            if let answer = try? await client.send("PUT", "auth/token/revoke-self"), answer.status < 300 { return }
            FileHandle.standardError.write(Data("coffer run: warning: could not revoke the login token\n".utf8))
        }
    }

    let role: String?
    let mount: String
    let jwtVariable: String

    /// A role, or no token but a job token: log in. Otherwise the caller's token.
    func session(settings: ClientSettings, environment: [String: String]) async throws -> Session {
        let jwt = environment[jwtVariable].flatMap { $0.isEmpty ? nil : $0 }
        if role == nil, let token = settings.token {
            return Session(token: token, ownsToken: false)
        }
        guard let jwt else {
            throw CLIError("coffer run: no token: set VAULT_TOKEN, or run where $\(jwtVariable) holds the job's OIDC token")
        }
        var body: [String: JSONValue] = ["jwt": .string(jwt)]
        if let role { body["role"] = .string(role) }
        var anonymous = settings
        anonymous.token = nil
        let client = APIClient(settings: anonymous)
        let path = "auth/\(mount)/login"
        let answer = try await client.send("PUT", path, body: .object(body), authenticated: false)
        guard answer.status < 300, let token = answer.body?["auth"]?["client_token"]?.stringValue else {
            throw CLIError.api("coffer run: Error logging in at \(path)", method: "PUT", url: client.url(path), answer: answer)
        }
        return Session(token: token, ownsToken: true)
    }
}
