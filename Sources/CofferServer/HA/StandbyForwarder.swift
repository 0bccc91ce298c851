import AsyncHTTPClient
import CofferCore
import CofferMountKit
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1

/// What a standby does with a request it does not serve: sends it to the active
/// node and returns the answer as it came (status, body, the headers clients
/// read), or, when the client asked for no forwarding or forwarding failed,
/// answers `307` to the leader, which the `bao` CLI and hvac follow.
///
/// The client's address travels in a header the active node believes only with
/// a valid `ForwardedClient` signature, so CIDR checks and the audit log see the
/// client, not the standby.
struct StandbyForwarder: Sendable {
    let core: Core

    /// Paths every node answers itself, standby or not. (`sys/seal` on a standby
    /// is refused, as Vault does, rather than sent on: it would seal the active node.)
    static func servedByEveryNode(_ path: String) -> Bool {
        localPaths.contains(path)
    }

    private static let localPaths: Set<String> = ["sys/health", "sys/seal-status", "sys/leader", "sys/init", "sys/unseal"]

    static let cannotSealStandby = CoreError.badRequest("vault cannot seal when in standby mode; please restart instead")

    /// The stamp's client when a node of this cluster signed it for this request
    /// (and for the chain header that came with it).
    func verifiedClient(_ stamp: String, _ request: APIRequest) -> String? {
        guard let key = core.forwardingKey() else { return nil }
        return ForwardedClient.verify(
            stamp, chain: request.forwardedClientChain, key: key, method: request.method, target: request.path, now: core.clock())
    }

    /// One pool for every forwarded request; never shut down (the process ends
    /// first). A short connect timeout: the leader is a neighbour, and requests
    /// queued for one that died must fail over fast, not after the default 10 s.
    /// Connections as many as the clients a listener typically carries at once.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled)
        configuration.timeout.connect = .seconds(1)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Headers of the answer passed back to the client; the rest (framing,
    /// connection management) belong to each hop.
    private static let answerHeaders: [HTTPField.Name] = [.contentType, .cacheControl, .location, .vaultNamespace]

    func answer(
        _ request: APIRequest, body: ByteBuffer, leader: LeaderAdvertisement?, clientAddress: String?,
        certificates: PeerCertificates? = nil
    ) async -> HTTPAnswer {
        guard let leader else {
            return HTTPResponseWriter.write(.error(CoreError(.unavailable, "no active Vault instance found")))
        }
        let target = Self.target(request, at: leader)
        if request.noRequestForwarding { return Self.redirect(to: target) }
        do {
            return try await forward(request, body: body, to: target, clientAddress: clientAddress, certificates: certificates)
        } catch {
            // The leader may have died while this waited: once a new one is known,
            // the request goes there (once); else the client is sent to the old one.
            guard case .standby(let current?) = core.ha?.state, current != leader else { return Self.redirect(to: target) }
            let retarget = Self.target(request, at: current)
            do {
                return try await forward(request, body: body, to: retarget, clientAddress: clientAddress, certificates: certificates)
            } catch {
                return Self.redirect(to: retarget)
            }
        }
    }

    private static func target(_ request: APIRequest, at leader: LeaderAdvertisement) -> String {
        leader.apiAddress.trimmingSuffix("/") + request.path + (request.query.map { "?\($0)" } ?? "")
    }

    private func forward(
        _ request: APIRequest, body: ByteBuffer, to target: String, clientAddress: String?, certificates: PeerCertificates?
    ) async throws -> HTTPAnswer {
        var outgoing = HTTPClientRequest(url: target)
        outgoing.method = .init(rawValue: request.method)
        let sent: [(String, String?)] = [
            ("X-Vault-Token", request.vaultToken), ("Authorization", request.authorization),
            ("X-Vault-Wrap-TTL", request.wrapTTL), ("X-Vault-Namespace", request.namespace),
            ("Content-Type", request.contentType),
        ]
        for case (let name, let value?) in sent { outgoing.headers.add(name: name, value: value) }
        for (name, value) in Self.forwardingHeaders(request, clientAddress: clientAddress, certificates: certificates, core: core) {
            outgoing.headers.add(name: name, value: value)
        }
        if body.readableBytes > 0 { outgoing.body = .bytes(body) }

        let response = try await Self.client.execute(outgoing, timeout: .seconds(90))
        let answerBody = try await response.body.collect(upTo: 64 * 1024 * 1024)
        var headers = HTTPFields()
        for name in Self.answerHeaders {
            if let value = response.headers.first(name: name.rawName) { headers[name] = value }
        }
        return HTTPAnswer(status: .init(code: Int(response.status.code)), headers: headers, body: answerBody)
    }

    /// The signed headers naming the client, and the certificates it showed this
    /// node (cert logins and cert-bound renewals need them on the active node).
    static func forwardingHeaders(
        _ request: APIRequest, clientAddress: String?, certificates: PeerCertificates?, core: Core
    ) -> [(String, String)] {
        guard let clientAddress, let key = core.forwardingKey() else { return [] }
        let chain = certificates.map(ForwardedClient.encode)
        let stamp = ForwardedClient.stamp(
            client: clientAddress, chain: chain, method: request.method, target: request.path, key: key, now: core.clock())
        return [(ForwardedClient.header, stamp)] + (chain.map { [(ForwardedClient.chainHeader, $0)] } ?? [])
    }

    /// Vault's fallback: the client goes to the leader itself.
    static func redirect(to location: String) -> HTTPAnswer {
        HTTPAnswer(status: .temporaryRedirect, headers: [.location: location, .cacheControl: "no-store"], body: nil)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
