import CofferMountKit
import Foundation

/// The checks that make Coffer forward a client's request to STS only when it
/// is exactly a signed GetCallerIdentity: a POST to the root of the host it was
/// signed for, with the one body that action takes, SigV4-signed for STS (and
/// for `sts_region` when one is configured), carrying and signing the
/// server-ID header when the mount requires one. Anything else would make
/// Coffer a signed-request relay to STS for other actions.
struct IAMRequestChecks {
    let request: IAMLoginRequest
    let config: AWSClientConfig

    static let serverIDHeader = "X-Vault-AWS-IAM-Server-ID"
    /// The one body GetCallerIdentity takes, as its parameters.
    static let expectedBody = ["Action": "GetCallerIdentity", "Version": "2011-06-15"]

    func run(_ log: inout AWSLoginChecks) throws {
        try checkMethod(&log)
        try checkURL(&log)
        try checkBody(&log)
        let authorization = try checkSignature(&log)
        try checkServerID(authorization, &log)
    }

    private func checkMethod(_ log: inout AWSLoginChecks) throws {
        guard request.method == "POST" else {
            try log.fail(
                "iam_http_request_method", expected: "POST", actual: request.method,
                .request("invalid iam_http_request_method; currently only 'POST' is supported"))
        }
        log.pass("iam_http_request_method", expected: "POST", actual: "POST")
    }

    private func checkURL(_ log: inout AWSLoginChecks) throws {
        let url = request.url
        let expected = "an http(s) URL of a host's root, no query"
        let scheme = url.scheme?.lowercased() ?? ""
        guard scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/",
            url.query == nil, url.fragment == nil, url.user == nil, url.password == nil
        else {
            try log.fail(
                "iam_request_url", expected: expected, actual: "scheme \(scheme), path \(url.path)",
                .request("iam_request_url must be the root URL of the STS host, with no path or query"))
        }
        log.pass("iam_request_url", expected: expected, actual: request.signedHost)
        // The Host sent is the URL's: a different Host header would mean the
        // signature covers another host than the one checked here.
        if let given = request.header("Host"), given.caseInsensitiveCompare(request.signedHost) != .orderedSame {
            try log.fail(
                "host", expected: request.signedHost, actual: given,
                .request("the Host header does not match the host of iam_request_url"))
        }
    }

    private func checkBody(_ log: inout AWSLoginChecks) throws {
        let text = String(decoding: request.body, as: UTF8.self)
        var parameters: [String: String] = [:]
        var wellFormed = true
        for pair in text.split(separator: "&", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2,
                let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                let value = String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                parameters[name] == nil
            else {
                wellFormed = false
                break
            }
            parameters[name] = value
        }
        let expected = "Action=GetCallerIdentity&Version=2011-06-15 and nothing else"
        guard wellFormed, parameters == Self.expectedBody else {
            let action = parameters["Action"] ?? "none"
            try log.fail(
                "iam_request_body", expected: expected, actual: "action \(action), \(parameters.count) parameters",
                .request("iam_request_body must be a GetCallerIdentity request and nothing else"))
        }
        log.pass("iam_request_body", expected: expected, actual: "GetCallerIdentity")
    }

    /// An unsigned request never leaves Coffer: STS would refuse it, but a
    /// request that names no signer is no login attempt worth sending on.
    private func checkSignature(_ log: inout AWSLoginChecks) throws -> SigV4Authorization {
        let region = config.stsRegion
        let expected = "one AWS4-HMAC-SHA256 Authorization for sts" + (region.isEmpty ? "" : " in \(region)") + ", signing host"
        guard request.count(of: "Authorization") == 1, let value = request.header("Authorization"),
            let authorization = SigV4Authorization(value)
        else {
            try log.fail(
                "iam_request_headers.authorization", expected: expected,
                actual: request.count(of: "Authorization") == 0 ? "missing" : "malformed",
                .request("iam_request_headers must carry one AWS4-HMAC-SHA256 Authorization header"))
        }
        let actual =
            "signed for \(authorization.service) in \(authorization.region), headers \(authorization.signedHeaders.joined(separator: ";"))"
        guard authorization.service == "sts", region.isEmpty || authorization.region == region, authorization.signs("host") else {
            try log.fail(
                "iam_request_headers.authorization", expected: expected, actual: actual,
                .request(
                    "the request is not signed for sts" + (region.isEmpty ? "" : " in region \(region)") + " with its host"))
        }
        log.pass("iam_request_headers.authorization", expected: expected, actual: actual)
        return authorization
    }

    private func checkServerID(_ authorization: SigV4Authorization, _ log: inout AWSLoginChecks) throws {
        let required = config.iamServerIDHeaderValue
        let name = "iam_server_id_header_value"
        guard !required.isEmpty else { return log.skip(name) }
        let expected = "a signed \(Self.serverIDHeader): \(required)"
        guard let given = request.header(Self.serverIDHeader), !given.isEmpty else {
            try log.fail(name, expected: expected, actual: "missing", .serverID("missing header \"\(Self.serverIDHeader)\""))
        }
        guard given == required else {
            try log.fail(name, expected: expected, actual: given, .serverID("expected \"\(required)\" but got \"\(given)\""))
        }
        guard authorization.signs(Self.serverIDHeader) else {
            try log.fail(name, expected: expected, actual: "present but not signed", .serverID("vault header wasn't signed"))
        }
        log.pass(name, expected: expected, actual: "signed, matches")
    }
}
