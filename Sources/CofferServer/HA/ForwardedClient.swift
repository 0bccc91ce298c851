import CofferEncoding
import CofferMountKit
import Crypto
import Foundation

/// The client's address, and its TLS certificate chain if it showed one, on a
/// request a standby forwarded to the active node. `X-Forwarded-For` cannot carry
/// them: anyone may send that header. This one is signed with a key every node
/// derives from the barrier's first data key (they share the keyring), over the
/// time, the client, the method, the path and the chain header, so it is believed
/// only from a node of this cluster, for that request, for a short while.
///
/// `X-Coffer-Forwarded-Client: <unix seconds> <client address> <base64 HMAC-SHA256>`
/// `X-Coffer-Forwarded-Client-Certificate: <tls|proxy> <base64 DER> ...` (leaf first)
enum ForwardedClient {
    static let header = APIRequest.forwardedClientHeader
    static let chainHeader = APIRequest.forwardedClientChainHeader
    /// Bounds the chain header the active node decodes.
    static let maxChainHeaderBytes = 256 * 1024
    /// How old a stamp may be: forwarding is one hop on a local network.
    static let maximumAge: Int64 = 30
    static let keyPurpose = "coffer/ha/forwarded-client"

    static func stamp(client: String, chain: String? = nil, method: String, target: String, key: SymmetricKey, now: Date) -> String {
        let seconds = Int64(saturating: now.timeIntervalSince1970.rounded(.down))
        return "\(seconds) \(client) \(signature(key, seconds, client, method, target, chain))"
    }

    /// The client address of a valid stamp; nil for one that is malformed, stale
    /// or not signed with `key`.
    static func verify(_ stamp: String, chain: String? = nil, key: SymmetricKey, method: String, target: String, now: Date) -> String? {
        let parts = stamp.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, let seconds = Int64(parts[0]), !parts[1].isEmpty,
            let sent = Data(base64Encoded: String(parts[2]))
        else { return nil }
        let current = Int64(saturating: now.timeIntervalSince1970.rounded(.down))
        // Compared without subtracting from the sent number, which could overflow.
        guard seconds >= current - maximumAge, seconds <= current + 5 else { return nil }
        let client = String(parts[1])
        let message = Data(Self.message(seconds, client, method, target, chain).utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(sent, authenticating: message, using: key) else { return nil }
        return client
    }

    private static func signature(
        _ key: SymmetricKey, _ seconds: Int64, _ client: String, _ method: String, _ target: String, _ chain: String?
    ) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(message(seconds, client, method, target, chain).utf8), using: key)
        return Data(code).base64EncodedString()
    }

    private static func message(_ seconds: Int64, _ client: String, _ method: String, _ target: String, _ chain: String?) -> String {
        "\(seconds)\n\(client)\n\(method)\n\(target)\n\(chain ?? "")"
    }

    /// The chain header's value for the client's certificates.
    static func encode(_ certificates: PeerCertificates) -> String {
        ([certificates.isForwarded ? "proxy" : "tls"] + certificates.chain.map { Data($0).base64EncodedString() })
            .joined(separator: " ")
    }

    /// The certificates in a chain header; nil when it is malformed or too large.
    static func decode(_ value: String) -> PeerCertificates? {
        guard value.utf8.count <= maxChainHeaderBytes else { return nil }
        let parts = value.split(separator: " ")
        guard let origin = parts.first, origin == "tls" || origin == "proxy",
            (2...ClientCertificateCheck.maxChainLength + 1).contains(parts.count)
        else { return nil }
        var chain: [[UInt8]] = []
        for part in parts.dropFirst() {
            guard let der = Data(base64Encoded: String(part)) else { return nil }
            chain.append(Array(der))
        }
        return PeerCertificates(der: chain, isForwarded: origin == "proxy")
    }
}
