import AsyncHTTPClient
import CofferMountKit
import NIOCore

/// Fetches a CRL for `crls/<name>` written with a `url` (HTTP or HTTPS, no redirects).
enum CRLFetcher {
    private static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    static func fetch(_ url: String) async throws -> [UInt8] {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw MountError.badRequest("CRL url must be http:// or https://")
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        } catch {
            throw MountError.badRequest("failed to fetch CRL from \(url): \(error)")
        }
        guard response.status == .ok else {
            throw MountError.badRequest("failed to fetch CRL from \(url): status \(response.status.code)")
        }
        return Array(buffer: try await response.body.collect(upTo: RevocationList.maxBytes))
    }
}
