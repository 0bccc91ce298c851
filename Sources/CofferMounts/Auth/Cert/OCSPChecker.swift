import AsyncHTTPClient
import Foundation
import NIOCore
import X509

/// Asks OCSP responders whether a login's certificate is revoked, with
/// swift-certificates' `OCSPVerifierPolicy` (request, nonce, the response's
/// signature by the issuer or its delegated responder, its freshness).
///
/// The responders are the certificate's own (its AIA extension) or the role's
/// `ocsp_servers_override`. When none answers, `ocsp_fail_open` decides: the
/// login goes on, or it is refused. A revoked answer always refuses.
package struct OCSPChecker: Sendable {
    /// Per responder; the policy also bounds the whole check.
    let timeout: TimeAmount

    package init(timeout: TimeAmount = .seconds(5)) {
        self.timeout = timeout
    }

    /// Nil when the chain passes; else why not (revoked, or no answer without
    /// fail-open). With `ocsp_query_all_servers`, each responder is asked and
    /// verified on its own, and every one must say good.
    func refusal(chain: [Certificate], role: CertRole, now: Date) async -> String? {
        let servers = role.ocspServersOverride ?? []
        guard role.ocspQueryAllServers, servers.count > 1 else {
            return await refusal(chain: chain, servers: servers, role: role, now: now)
        }
        for server in servers {
            if let refusal = await refusal(chain: chain, servers: [server], role: role, now: now) { return refusal }
        }
        return nil
    }

    private func refusal(chain: [Certificate], servers: [String], role: CertRole, now: Date) async -> String? {
        guard let leaf = chain.first, let root = chain.last else { return nil }
        let requester = OCSPHTTPRequester(servers: servers, failOpen: role.ocspFailOpen, timeout: timeout)
        // The chain's own policies come along: they handle its critical
        // extensions, which the verifier refuses to leave unchecked.
        var verifier = Verifier(rootCertificates: CertificateStore([root])) {
            RFC5280Policy(validationTime: now)
            ClientAuthUsagePolicy()
            OCSPVerifierPolicy(failureMode: role.ocspFailOpen ? .soft : .hard, requester: requester, validationTime: now)
        }
        let intermediates = CertificateStore(chain.dropFirst().dropLast())
        switch await verifier.validate(leaf: leaf, intermediates: intermediates) {
        case .validCertificate: return nil
        case .couldNotValidate(let failures): return failures.first?.policyFailureReason.description ?? "no OCSP answer"
        }
    }
}

/// POSTs OCSP requests over HTTP (RFC 6960 appendix A). An unreachable
/// responder is a terminal error unless the role fails open.
struct OCSPHTTPRequester: OCSPRequester {
    /// The role's responders, tried in order; empty: the certificate's own.
    let servers: [String]
    let failOpen: Bool
    let timeout: TimeAmount

    /// One client for every check, never shut down; no redirects.
    private static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    func query(request: [UInt8], uri: String) async -> OCSPRequesterQueryResult {
        var problem = "no OCSP responder"
        for target in servers.isEmpty ? [uri] : servers {
            do {
                return .response(try await post(request, to: target))
            } catch {
                problem = "OCSP responder \(target): \(error)"
            }
        }
        let error = Unavailable(description: problem)
        return failOpen ? .nonTerminalError(error) : .terminalError(error)
    }

    private func post(_ body: [UInt8], to url: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/ocsp-request")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await Self.client.execute(request, timeout: timeout)
        guard response.status == .ok else { throw Unavailable(description: "answered \(response.status.code)") }
        return Array(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
