import CofferMounts
import CofferRadar
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `--check-activeness` (spec §12): one harmless, read-only identity call per distinct value,
/// to the provider that issued it: GitHub `GET /user`, Slack `auth.test`, Stripe
/// `GET /v1/account`, AWS STS `GetCallerIdentity` (an AWS secret needs its paired key id).
///
/// It sends the secret to its provider; that is why it is off by default and never used by the
/// test suite except against stand-ins on loopback (`--activeness-endpoint`). A refusal of the
/// credential is `inactive`; anything else that is not a success (timeout, 5xx, rate limit) is
/// `unknown`, never a guess.
final class ProviderActivenessProbe: ActivenessProbe, @unchecked Sendable {
    static let defaultEndpoints = [
        "github": "https://api.github.com", "slack": "https://slack.com", "stripe": "https://api.stripe.com",
        "aws": "https://sts.amazonaws.com",
    ]
    static let githubRules: Set = ["github-pat", "github-oauth", "github-app-token", "github-fine-grained-pat"]
    static let slackRules: Set = ["slack-bot-token", "slack-user-token"]

    private let endpoints: [String: URL]
    private let session: URLSession
    /// Global rate limit: requests start at least this far apart.
    private let spacing: TimeInterval
    private let lock = NSLock()
    private var nextStart = Date.distantPast

    /// `overrides`: provider name to base URL (a proxy, or a stand-in on loopback).
    init(overrides: [String: String], timeout: TimeInterval = 10, spacing: TimeInterval = 0.2) throws {
        var endpoints: [String: URL] = [:]
        for (name, text) in Self.defaultEndpoints.merging(overrides, uniquingKeysWith: { $1 }) {
            guard Self.defaultEndpoints[name] != nil else {
                throw RadarError.invalidConfig("--activeness-endpoint: unknown provider \"\(name)\" (github, slack, stripe, aws)")
            }
            guard let url = URL(string: text), url.scheme == "https" || url.scheme == "http", url.host != nil else {
                throw RadarError.invalidConfig("--activeness-endpoint: \(name) needs an http(s) URL")
            }
            endpoints[name] = url
        }
        self.endpoints = endpoints
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
        self.spacing = spacing
    }

    /// Parses repeated `provider=URL` flags.
    static func overrides(_ flags: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for flag in flags {
            guard let equals = flag.firstIndex(of: "=") else {
                throw RadarError.invalidConfig("--activeness-endpoint takes provider=URL")
            }
            result[String(flag[..<equals])] = String(flag[flag.index(after: equals)...])
        }
        return result
    }

    func check(ruleID: String, value: String, pairedValue: String?) -> Activeness? {
        if Self.githubRules.contains(ruleID) { return github(value) }
        if Self.slackRules.contains(ruleID) { return slack(value) }
        if ruleID == "stripe-secret-key", value.hasPrefix("sk_") || value.hasPrefix("rk_") { return stripe(value) }
        if ruleID == "aws-secret-access-key", let pairedValue { return aws(keyID: pairedValue, secret: value) }
        return nil
    }

    private func github(_ token: String) -> Activeness {
        guard let url = endpoints["github"]?.appendingPathComponent("user") else { return .unknown }
        var request = URLRequest(url: url)
        request.setValue("token \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
        return Self.byStatus(send(request).status, refused: [401])
    }

    private func slack(_ token: String) -> Activeness {
        guard let url = endpoints["slack"]?.appendingPathComponent("api/auth.test") else { return .unknown }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let answer = send(request)
        // Slack answers 200 either way and says in the body.
        guard answer.status == 200, let body = answer.body,
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let ok = object["ok"] as? Bool
        else { return .unknown }
        if ok { return .active }
        let refusals: Set = ["invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"]
        return refusals.contains(object["error"] as? String ?? "") ? .inactive : .unknown
    }

    private func stripe(_ key: String) -> Activeness {
        guard let url = endpoints["stripe"]?.appendingPathComponent("v1/account") else { return .unknown }
        var request = URLRequest(url: url)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        return Self.byStatus(send(request).status, refused: [401])
    }

    private func aws(keyID: String, secret: String) -> Activeness {
        guard let url = endpoints["aws"], let host = url.host else { return .unknown }
        let body = "Action=GetCallerIdentity&Version=2011-06-15"
        let hostHeader = url.port.map { "\(host):\($0)" } ?? host
        let signer = SigV4Signer(
            credentials: .init(accessKeyID: keyID, secretAccessKey: secret), region: "us-east-1", service: "sts")
        let headers = signer.signed(
            method: "POST", path: "/",
            headers: [("Host", hostHeader), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(body.utf8), date: Date())
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        for (name, value) in headers where name != "Host" { request.setValue(value, forHTTPHeaderField: name) }
        let answer = send(request)
        if answer.status == 200 { return .active }
        // STS refuses an unknown or deleted key with InvalidClientTokenId, a wrong secret with SignatureDoesNotMatch.
        let text = answer.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
        if answer.status == 403, text.contains("InvalidClientTokenId") || text.contains("SignatureDoesNotMatch") {
            return .inactive
        }
        return .unknown
    }

    private static func byStatus(_ status: Int?, refused: Set<Int>) -> Activeness {
        guard let status else { return .unknown }
        if (200..<300).contains(status) { return .active }
        return refused.contains(status) ? .inactive : .unknown
    }

    /// One request, after waiting for the rate limit; nil status on any transport failure.
    private func send(_ request: URLRequest) -> (status: Int?, body: Data?) {
        var request = request
        request.setValue("coffer-radar", forHTTPHeaderField: "User-Agent")
        lock.lock()
        let start = max(Date(), nextStart)
        nextStart = start.addingTimeInterval(spacing)
        lock.unlock()
        let wait = start.timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        let done = DispatchSemaphore(value: 0)
        let answer = Answer()
        session.dataTask(with: request) { data, response, _ in
            answer.status = (response as? HTTPURLResponse)?.statusCode
            answer.body = data
            done.signal()
        }.resume()
        done.wait()
        return (answer.status, answer.body)
    }

    /// Written by the session's callback before it signals, read after the wait.
    private final class Answer: @unchecked Sendable {
        var status: Int?
        var body: Data?
    }
}
