import CofferEncoding
import Crypto
import Foundation

/// The client's address on a request a standby forwarded to the active node.
/// `X-Forwarded-For` cannot carry it: anyone may send that header. This one is
/// signed with a key both nodes derive from the root key (they are unsealed with
/// the same one), over the time, the client, the method and the path, so it is
/// believed only from a node of this cluster, for that request, for a short while.
///
/// `X-Coffer-Forwarded-Client: <unix seconds> <client address> <base64 HMAC-SHA256>`
enum ForwardedClient {
    static let header = APIRequest.forwardedClientHeader
    /// How old a stamp may be: forwarding is one hop on a local network.
    static let maximumAge: Int64 = 30
    static let keyPurpose = "coffer/ha/forwarded-client"

    static func stamp(client: String, method: String, target: String, key: SymmetricKey, now: Date) -> String {
        let seconds = Int64(saturating: now.timeIntervalSince1970.rounded(.down))
        return "\(seconds) \(client) \(signature(key, seconds, client, method, target))"
    }

    /// The client address of a valid stamp; nil for one that is malformed, stale
    /// or not signed with `key`.
    static func verify(_ stamp: String, key: SymmetricKey, method: String, target: String, now: Date) -> String? {
        let parts = stamp.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, let seconds = Int64(parts[0]), !parts[1].isEmpty,
            let sent = Data(base64Encoded: String(parts[2]))
        else { return nil }
        let current = Int64(saturating: now.timeIntervalSince1970.rounded(.down))
        // Compared without subtracting from the sent number, which could overflow.
        guard seconds >= current - maximumAge, seconds <= current + 5 else { return nil }
        let client = String(parts[1])
        let message = Data(Self.message(seconds, client, method, target).utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(sent, authenticating: message, using: key) else { return nil }
        return client
    }

    private static func signature(_ key: SymmetricKey, _ seconds: Int64, _ client: String, _ method: String, _ target: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(message(seconds, client, method, target).utf8), using: key)
        return Data(code).base64EncodedString()
    }

    private static func message(_ seconds: Int64, _ client: String, _ method: String, _ target: String) -> String {
        "\(seconds)\n\(client)\n\(method)\n\(target)"
    }
}
