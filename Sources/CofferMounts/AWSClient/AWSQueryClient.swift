import CofferMountKit
import Foundation

/// Signed calls to one AWS query API (IAM, STS): the action and its
/// parameters form-encoded in a POST to the endpoint, signed with SigV4 for
/// `service` in `region`, the XML answer returned when AWS says 200.
///
/// What the aws auth method's IAM lookups and every call of the aws secrets
/// engine go through; retries, deadlines and answer bounds are `AWSAPIClient`'s.
struct AWSQueryClient: Sendable {
    let endpoint: String
    let region: String
    let service: String
    /// The API's version: `2010-05-08` for IAM, `2011-06-15` for STS.
    let version: String
    let credentials: SigV4Signer.Credentials
    let client: AWSAPIClient
    /// The signing time; tests pin it.
    var now: @Sendable () -> Date = Date.init

    static func iam(endpoint: String, credentials: SigV4Signer.Credentials, client: AWSAPIClient) -> AWSQueryClient {
        // IAM is global: its signatures are always scoped to us-east-1.
        AWSQueryClient(
            endpoint: endpoint, region: "us-east-1", service: "iam", version: "2010-05-08", credentials: credentials, client: client)
    }

    static func sts(endpoint: String, region: String, credentials: SigV4Signer.Credentials, client: AWSAPIClient) -> AWSQueryClient {
        AWSQueryClient(endpoint: endpoint, region: region, service: "sts", version: "2011-06-15", credentials: credentials, client: client)
    }

    /// The body of AWS's 200 answer to `action`; any other answer is a
    /// `Failure` with AWS's code and message (never the request).
    func call(_ action: String, _ parameters: [(String, String)] = []) async throws(AWSAPIClient.Failure) -> [UInt8] {
        let body = Array(Self.form([("Action", action)] + parameters + [("Version", version)]).utf8)
        let host = Self.host(of: endpoint)
        let signer = SigV4Signer(credentials: credentials, region: region, service: service)
        let headers = signer.signed(
            method: "POST", path: "/",
            headers: [("Host", host), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: body, date: now())
        let answer = try await client.post(
            endpoint: endpoint, host: host, headers: headers.filter { $0.0 != "Host" }, body: body,
            what: "\(service.uppercased()) \(action)")
        guard answer.status == 200 else {
            throw AWSAPIClient.Failure(
                description: "\(service.uppercased()) \(action) answered \(answer.status): \(AWSQueryAnswer.errorSummary(answer.body))",
                awsCode: AWSQueryAnswer.errorCode(answer.body))
        }
        return answer.body
    }

    /// `name=value&...`, each part percent-encoded as RFC 3986 says.
    static func form(_ parameters: [(String, String)]) -> String {
        parameters.map { SigV4Signer.uriEncode($0.0) + "=" + SigV4Signer.uriEncode($0.1) }.joined(separator: "&")
    }

    /// The `Host` an endpoint URL is signed for: its host, and its port when it has one.
    static func host(of endpoint: String) -> String {
        guard let components = URLComponents(string: endpoint) else { return "" }
        return (components.host ?? "") + (components.port.map { ":\($0)" } ?? "")
    }

    /// An endpoint setting as written: empty, or an http or https URL with a
    /// host and nothing after it but a slash (the call's own path goes after
    /// it), kept without that slash.
    static func endpointSetting(_ value: String, field: String) throws -> String {
        guard !value.isEmpty else { return "" }
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/", url.query == nil, url.user == nil
        else {
            throw MountError.badRequest("\(field) must be an http or https URL with a host and no path")
        }
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }
}
