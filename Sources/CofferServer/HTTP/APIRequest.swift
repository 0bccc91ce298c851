import NIOHTTP1

/// What the API reads of an HTTP request's head: the method, the target, and
/// the handful of headers Vault clients send. Taken straight from NIO's parsed
/// head, so the server's hot path builds no `HTTPFields` it would only search.
struct APIRequest: Equatable, Sendable {
    /// Upper case, as sent (`LIST` arrives as `GET ...?list=true`, see `ListVerbRewriter`).
    var method: String
    var path: String
    var query: String?
    var vaultToken: String?
    var authorization: String?
    var wrapTTL: String?
    var namespace: String?
    var contentType: String?
    var forwardedFor: String?
    /// `X-Vault-No-Request-Forwarding`: a standby answers 307 instead of forwarding.
    var noRequestForwarding: Bool
    /// Set by a standby that forwarded the request (`ForwardedClient`).
    var forwardedClient: String?
    /// The client's certificate chain, set by a standby that forwarded the
    /// request and covered by `forwardedClient`'s signature.
    var forwardedClientChain: String?
    /// The listener's `x_forwarded_for_client_cert_header`, when it has one:
    /// the client's certificate as a TLS-terminating proxy passed it on.
    var forwardedCertificate: String? = nil
    /// Named here, not in `ForwardedClient`, so that this file builds on its own (the fuzz target).
    static let forwardedClientHeader = "X-Coffer-Forwarded-Client"
    static let forwardedClientChainHeader = "X-Coffer-Forwarded-Client-Certificate"

    init(method: String, target: String, header: (String) -> String?) {
        self.method = method
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = nil
        }
        vaultToken = header("X-Vault-Token")
        authorization = header("Authorization")
        wrapTTL = header("X-Vault-Wrap-TTL")
        namespace = header("X-Vault-Namespace")
        contentType = header("Content-Type")
        forwardedFor = header("X-Forwarded-For")
        // Any value counts, as in Vault (the CLI sends "true").
        noRequestForwarding = header("X-Vault-No-Request-Forwarding").map { !$0.isEmpty } ?? false
        forwardedClient = header(Self.forwardedClientHeader)
        forwardedClientChain = header(Self.forwardedClientChainHeader)
    }

    init(_ head: HTTPRequestHead, clientCertificateHeader: String?) {
        self.init(head)
        if let name = clientCertificateHeader { forwardedCertificate = head.headers[name].first }
    }

    init(_ head: HTTPRequestHead) {
        // A header sent on several lines reads as one, its values joined by ", "
        // (as HTTPFields and Go join them): a proxy that adds its own
        // `X-Forwarded-For` line must not leave the client's line to be believed.
        self.init(method: head.method.rawValue, target: head.uri) { name in
            let values = head.headers[name]
            return values.count > 1 ? values.joined(separator: ", ") : values.first
        }
    }
}
