import CofferCore
import CofferMountKit
import Foundation
import HTTPTypes
import Logging
import NIOCore

/// The whole HTTP API: every `/v1/...` request goes through the core's pipeline.
/// `VaultRequestHandler` reads each request whole and asks this for its answer.
///
/// A responder rather than a router, because Vault's routes are data (the mount
/// table changes at run time) and its verbs include the custom `LIST`.
package struct VaultAPIResponder: Sendable {
    let core: Core
    let logger: Logger
    /// Peers allowed to name the client in `X-Forwarded-For`.
    let trustedProxies: [CIDRBlock]
    /// On an HA node: where requests go while this node is a standby.
    let forwarder: StandbyForwarder?
    /// The header in which a trusted proxy passes on a client's certificate.
    let forwardedClientCertificate: ForwardedClientCertificate?
    /// The listener's `telemetry { unauthenticated_metrics_access = true }`.
    let unauthenticatedMetricsAccess: Bool

    package init(
        core: Core, logger: Logger, trustedProxies: [String] = [], forwardedClientCertificate: ForwardedClientCertificate? = nil,
        unauthenticatedMetricsAccess: Bool = false
    ) {
        self.core = core
        self.logger = logger
        self.trustedProxies = trustedProxies.compactMap(CIDRBlock.init)
        self.forwarder = core.ha.map { _ in StandbyForwarder(core: core) }
        self.forwardedClientCertificate = forwardedClientCertificate
        self.unauthenticatedMetricsAccess = unauthenticatedMetricsAccess
    }

    /// The client's certificates: on a request a standby of this cluster
    /// forwarded, the ones it signed for; else the connection's own, or, on a
    /// connection from a trusted proxy that sent the configured header, the ones
    /// it names. From anyone else the headers are ignored. Throws when a trusted
    /// proxy's header does not decode.
    func clientCertificates(_ request: APIRequest, peer: String?, connection: PeerCertificates?) throws -> PeerCertificates? {
        if let chain = request.forwardedClientChain, let stamp = request.forwardedClient,
            forwarder?.verifiedClient(stamp, request) != nil
        {
            return ForwardedClient.decode(chain)
        }
        guard let forwardedClientCertificate, let value = request.forwardedCertificate, !value.isEmpty,
            let peer, trustedProxies.contains(where: { $0.contains(peer) })
        else { return connection }
        do {
            return try forwardedClientCertificate.certificates(value)
        } catch {
            throw HTTPRequestTranslator.Refusal(
                response: .error(.badRequest("failed to decode the client certificate in \(forwardedClientCertificate.header)")))
        }
    }

    /// The client's address: the connection's; on a request forwarded by a
    /// standby of this cluster, the client it names; or, when the connection comes
    /// from a trusted proxy, the nearest address that proxy put in `X-Forwarded-For`.
    func clientAddress(_ request: APIRequest, peer: String?) -> String? {
        if let stamp = request.forwardedClient, let client = forwarder?.verifiedClient(stamp, request) {
            return client
        }
        guard let peer, trustedProxies.contains(where: { $0.contains(peer) }),
            let forwarded = request.forwardedFor,
            let nearest = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !nearest.isEmpty
        else { return peer }
        return nearest
    }

    /// The answer to one request whose body has been read whole. `peer` is the
    /// address of the connection it came on. (A `HEAD` request gets the body too:
    /// the connection drops it.)
    func answer(_ request: APIRequest, body: ByteBuffer, peer: String?, peerCertificates: PeerCertificates? = nil) async -> HTTPAnswer {
        let rawPath = request.path
        guard rawPath.hasPrefix("/v1/") else {
            return HTTPResponseWriter.write(.error(.notFound))
        }
        if Self.hasDoubleSlash(rawPath) {
            return Self.redirect(to: Self.cleaned(rawPath), query: request.query)
        }
        var extraHeaders: HTTPFields = [:]
        if let namespace = request.namespace {
            extraHeaders[.vaultNamespace] = namespace
            guard ["", "root", "root/"].contains(namespace) else {
                return HTTPResponseWriter.write(.error(CoreError(.notFound, "namespace not found")), extraHeaders: extraHeaders)
            }
        }

        let trimmed = String(rawPath.dropFirst(4))
        let logicalPath = trimmed.utf8.contains(UInt8(ascii: "%")) ? trimmed.removingPercentEncoding ?? trimmed : trimmed
        if unauthenticatedMetricsAccess, logicalPath == "sys/metrics" {
            return HTTPResponseWriter.write(unauthenticatedMetrics(request), extraHeaders: extraHeaders)
        }

        // On an HA node: a standby sends the request to the leader, and the active
        // node counts it in flight so that a step-down waits for it.
        var admitted = false
        if let ha = core.ha, let forwarder, !StandbyForwarder.servedByEveryNode(logicalPath) {
            switch ha.admit() {
            case .serve:
                admitted = true
            case .forward(let leader):
                if logicalPath == "sys/seal" { return HTTPResponseWriter.write(.error(StandbyForwarder.cannotSealStandby)) }
                // A proxy's certificate header that does not decode goes on as no certificate.
                let certificates = try? clientCertificates(request, peer: peer, connection: peerCertificates)
                return await forwarder.answer(
                    request, body: body, leader: leader, clientAddress: clientAddress(request, peer: peer), certificates: certificates)
            }
        }
        defer { if admitted { core.ha?.finish() } }
        var coreRequest: CofferCore.Request
        do {
            coreRequest = try HTTPRequestTranslator.translate(
                request, logicalPath: logicalPath, body: body, clientAddress: clientAddress(request, peer: peer)
            )
            coreRequest.peerCertificates = try clientCertificates(request, peer: peer, connection: peerCertificates)
        } catch let refusal as HTTPRequestTranslator.Refusal {
            return HTTPResponseWriter.write(refusal.response, extraHeaders: extraHeaders)
        } catch {
            // The translator throws only refusals; this keeps the compiler content.
            return HTTPResponseWriter.write(.error(.badRequest("invalid request")), extraHeaders: extraHeaders)
        }

        let response = await core.handle(coreRequest)
        if case .error(let error) = response, error.code == .internal {
            // The path and request id only: never the body, which may hold secrets.
            logger.error("request failed", metadata: ["path": "\(coreRequest.path)", "request_id": "\(coreRequest.id)"])
        }
        return HTTPResponseWriter.write(response, extraHeaders: extraHeaders)
    }

    /// `sys/metrics` on a listener that serves it without a token: this node's own
    /// metrics, sealed or not, any token ignored; a method other than GET is a
    /// bare 405, as Vault's `handleMetricsUnauthenticated` answers.
    private func unauthenticatedMetrics(_ request: APIRequest) -> CofferCore.Response {
        guard request.method == "GET" || request.method == "HEAD" else { return .error(CoreError(.methodNotAllowed, [])) }
        return core.metricsEndpoint.answer(format: HTTPRequestTranslator.parseQuery(request.query)["format"])
    }

    /// Vault (Go's ServeMux) answers a path with `//` by redirecting to its clean form.
    private static func redirect(to path: String, query: String?) -> HTTPAnswer {
        let location = query.map { "\(path)?\($0)" } ?? path
        let body = "<a href=\"\(location)\">Temporary Redirect</a>.\n\n"
        return HTTPAnswer(
            status: .temporaryRedirect,
            headers: [.location: location, .contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ByteBuffer(string: body)
        )
    }

    /// Checked on bytes: Foundation's `contains` on strings is slow enough to show
    /// on every request's profile.
    static func hasDoubleSlash(_ path: String) -> Bool {
        let bytes = path.utf8
        return zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: "/") && $1 == UInt8(ascii: "/") }
    }

    static func cleaned(_ path: String) -> String {
        var result = path
        while result.contains("//") { result = result.replacingOccurrences(of: "//", with: "/") }
        return result
    }
}
