import CofferEncoding
import CofferMountKit
import Foundation

/// How `login -method=NAME` turns its `k=v` arguments into a login request, and the
/// usage `auth help NAME` prints: the CLI side of each auth method the server has.
struct LoginMethod: Sendable {
    /// The request to send: method, path under the mount, body.
    struct Call: Sendable {
        let method: String
        let path: String
        let body: JSONValue?
    }

    let name: String
    private let usage: String
    private let build: @Sendable (_ mount: String, _ pairs: [String: String], _ settings: ClientSettings) throws -> Call

    static func named(_ name: String) -> LoginMethod? {
        all.first { $0.name == name }
    }

    func call(mount: String, pairs: [String: String], settings: ClientSettings) throws -> Call {
        try build(mount, pairs, settings)
    }

    func help(program: String) -> String {
        usage.replacingOccurrences(of: "$PROGRAM", with: program)
    }

    /// A method with no CLI handler of its own: its arguments are the login body.
    static func generic(_ name: String) -> LoginMethod {
        LoginMethod(name: name, usage: "Usage: $PROGRAM login -method=\(name) [K=V...]") { mount, pairs, _ in
            Call(method: "PUT", path: "auth/\(mount)/login", body: .object(pairs.mapValues(JSONValue.string)))
        }
    }

    static let all: [LoginMethod] = [token, userpass, approle, jwt, cert, aws]

    static let token = LoginMethod(
        name: "token",
        usage: """
            Usage: $PROGRAM login TOKEN [CONFIG K=V...]

              The token auth method allows logging in directly with a token. This
              can be a token from the "token-create" command or API. There are no
              configuration options for this auth method.

              Authenticate using a token:

                  $ $PROGRAM login 96ddf4bc-d217-f3ba-f9bd-017055595017

            Configuration:

              token=<string>
                  The token to use for authentication. This is usually provided directly
                  via the "$PROGRAM login" command.
            """
    ) { _, pairs, settings in
        // Looked up with the token being logged in with (set by the caller).
        Call(method: "GET", path: "auth/token/lookup-self", body: nil)
    }

    static let userpass = LoginMethod(
        name: "userpass",
        usage: """
            Usage: $PROGRAM login -method=userpass [CONFIG K=V...]

              The userpass auth method allows users to authenticate using Vault's
              internal user database.

              Authenticate as "sally":

                  $ $PROGRAM login -method=userpass username=sally
                  Password (will be hidden):

            Configuration:

              password=<string>
                  Password to use for authentication. If not provided, the CLI will prompt
                  for this on stdin.

              username=<string>
                  Username to use for authentication.
            """
    ) { mount, pairs, settings in
        guard let username = pairs["username"], !username.isEmpty else { throw CLIError("'username' must be specified") }
        let password = try pairs["password"] ?? LoginMethod.prompt("password", "Password (will be hidden): ", settings)
        return Call(method: "PUT", path: "auth/\(mount)/login/\(username)", body: ["password": .string(password)])
    }

    static let approle = LoginMethod(
        name: "approle",
        usage: """
            Usage: $PROGRAM login -method=approle role_id=ROLE_ID secret_id=SECRET_ID

              The approle auth method logs in a machine with a role ID and a secret ID.

            Configuration:

              role_id=<string>
                  The role's ID (auth/approle/role/NAME/role-id).

              secret_id=<string>
                  A secret ID issued for the role; omit when the role does not bind one.
            """
    ) { mount, pairs, _ in
        guard pairs["role_id"] != nil else { throw CLIError("'role_id' must be specified") }
        return Call(method: "PUT", path: "auth/\(mount)/login", body: .object(pairs.mapValues(JSONValue.string)))
    }

    static let jwt = LoginMethod(
        name: "jwt",
        usage: """
            Usage: $PROGRAM login -method=jwt role=ROLE jwt=TOKEN

              The jwt auth method logs in with a signed JWT, such as a CI job's OIDC
              token ($CIRCLE_OIDC_TOKEN_V2).

            Configuration:

              jwt=<string>
                  The signed token; "-" reads it from stdin.

              role=<string>
                  The role to log in with; the mount's default role when omitted.
            """
    ) { mount, pairs, settings in
        var body = pairs.mapValues(JSONValue.string)
        if pairs["jwt"] == nil { body["jwt"] = .string(try LoginMethod.prompt("jwt", "JWT (will be hidden): ", settings)) }
        return Call(method: "PUT", path: "auth/\(mount)/login", body: .object(body))
    }

    static let cert = LoginMethod(
        name: "cert",
        usage: """
            Usage: $PROGRAM login -method=cert [CONFIG K=V...]

              The certificate auth method logs in with the client's TLS certificate
              (-client-cert and -client-key, or VAULT_CLIENT_CERT and VAULT_CLIENT_KEY).

                  $ $PROGRAM login -method=cert -client-cert=cert.pem -client-key=key.pem name=web

            Configuration:

              name=<string>
                  Certificate role to authenticate against.
            """
    ) { mount, pairs, settings in
        guard settings.clientCertFile != nil else { throw CLIError("-client-cert (or VAULT_CLIENT_CERT) is required for cert login") }
        var body: [String: JSONValue] = [:]
        if let name = pairs["name"] { body["name"] = .string(name) }
        return Call(method: "PUT", path: "auth/\(mount)/login", body: .object(body))
    }

    static let aws = LoginMethod(
        name: "aws",
        usage: """
            Usage: $PROGRAM login -method=aws [CONFIG K=V...]

              The AWS auth method logs in with a GetCallerIdentity request signed by
              your AWS credentials: the login's arguments, else AWS_ACCESS_KEY_ID,
              AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, else the shared credentials
              file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, profile
              AWS_PROFILE or "default").

                  $ $PROGRAM login -method=aws role=ci-runner

            Configuration:

              role=<string>
                  The role to log in with; the principal's name when omitted.

              header_value=<string>
                  The X-Vault-AWS-IAM-Server-ID value the mount requires, if any.

              region=<string>
                  The STS region to sign for (default "us-east-1").

              aws_access_key_id=<string>, aws_secret_access_key=<string>,
              aws_security_token=<string>
                  Explicit credentials, instead of the environment or the file.
            """
    ) { mount, pairs, _ in
        let credentials = try AWSCredentialSource.resolve(pairs: pairs, environment: ProcessInfo.processInfo.environment)
        let region = pairs["region"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
        var body = AWSLoginData.fields(credentials: credentials, region: region, serverID: pairs["header_value"])
        if let role = pairs["role"] { body["role"] = .string(role) }
        return Call(method: "PUT", path: "auth/\(mount)/login", body: .object(body))
    }

    /// A value the user left out: read from the terminal, unless `-non-interactive`.
    static func prompt(_ field: String, _ text: String, _ settings: ClientSettings) throws -> String {
        if settings.nonInteractive { throw CLIError("'\(field)' must be specified and refusing to pull from stdin") }
        return try TerminalPrompt.readSecret(text)
    }
}
