import CofferMounts
import Foundation

/// Where `coffer login -method=aws` finds the AWS credentials to sign with, in
/// the AWS CLI's order: the login's own `aws_access_key_id`/`aws_secret_access_key`
/// arguments, the `AWS_*` environment variables, then the shared credentials
/// file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`) for the
/// profile `AWS_PROFILE` names (else `default`).
enum AWSCredentialSource {
    static func resolve(pairs: [String: String], environment: [String: String]) throws -> SigV4Signer.Credentials {
        if let key = pairs["aws_access_key_id"], let secret = pairs["aws_secret_access_key"] {
            return .init(accessKeyID: key, secretAccessKey: secret, sessionToken: pairs["aws_security_token"])
        }
        if let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty, let secret = environment["AWS_SECRET_ACCESS_KEY"],
            !secret.isEmpty
        {
            let token = environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"]
            return .init(accessKeyID: key, secretAccessKey: secret, sessionToken: token?.isEmpty == false ? token : nil)
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.aws/credentials"
        let profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        if let text = try? String(contentsOfFile: path, encoding: .utf8), let values = profileValues(text, profile: profile),
            let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"]
        {
            return .init(accessKeyID: key, secretAccessKey: secret, sessionToken: values["aws_session_token"])
        }
        throw CLIError(
            "Error authenticating: failed to retrieve credentials: no AWS credentials in the login's arguments, "
                + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or profile \"\(profile)\" of \(path)")
    }

    /// The `key = value` lines of `[profile]` in an INI credentials file.
    static func profileValues(_ text: String, profile: String) -> [String: String]? {
        var current: String?
        var values: [String: String] = [:]
        var found = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if current == profile { found = true }
                continue
            }
            guard current == profile, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return found ? values : nil
    }
}
