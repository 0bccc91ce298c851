import CofferEncoding
import CofferMountKit
import Foundation

/// Reads the secrets `coffer run` was asked for, as `vault kv get` does: the KV mount
/// and version first (`sys/internal/ui/mounts`), then the v2 data path.
struct SecretReader {
    let client: APIClient

    /// Each variable's value. The first missing or refused secret stops it all,
    /// with the path and Vault's error, never a value.
    func read(_ references: [SecretReference]) async throws -> [String: String] {
        var values: [String: String] = [:]
        var cache: [String: JSONValue] = [:]
        for reference in references {
            let secret: JSONValue
            if let cached = cache[reference.path] {
                secret = cached
            } else {
                secret = try await readSecret(reference.path)
                cache[reference.path] = secret
            }
            guard let value = secret[reference.field], value != .null else {
                throw CLIError(
                    "coffer run: field \"\(reference.field)\" not present in secret \(reference.path) (for \(reference.variable))")
            }
            values[reference.variable] = value.stringValue ?? String(decoding: value.serialized(), as: UTF8.self)
        }
        return values
    }

    /// The KV mount behind a path. When the preflight is refused (a deny rule), the
    /// read goes to the v2 data path anyway, so the error shown is Vault's own for
    /// the secret ("permission denied"), not the preflight's.
    private func resolve(_ path: String) async throws -> KVTarget {
        do {
            return try await KVTarget.resolve(client, path, mount: nil)
        } catch let error as CLIError where error.description.hasPrefix("preflight") {
            let segments = path.split(separator: "/", maxSplits: 1).map(String.init)
            guard segments.count == 2 else { throw error }
            return KVTarget(mountPath: segments[0] + "/", isV2: true, key: segments[1])
        }
    }

    private func readSecret(_ path: String) async throws -> JSONValue {
        do {
            let target = try await resolve(path)
            let apiPath = target.path("data")
            let body = try await client.read(apiPath)
            let secret = target.isV2 ? body["data"]?["data"] : body["data"]
            guard let secret, secret != .null else { throw NoValueFound(path: apiPath) }
            return secret
        } catch let error as CLIError {
            throw CLIError("coffer run: cannot read \(path): \(error.description)")
        } catch let error as NoValueFound {
            throw CLIError("coffer run: cannot read \(path): \(error.description)")
        }
    }
}
