import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// The registered-claim checks before anything else: `iss` when asked for,
/// `aud` when the role names one, the times with cap's 150 s leeway.
@Suite struct ValidatorClaimsTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let audience = "https://kubernetes.default.svc.cluster.local"

    /// The check that failed and the client's message; nil when all passed.
    static func failure(
        _ claims: [String: JSONValue], issuer: String = "", validateIssuer: Bool = false, audience: String = audience
    ) -> (check: String, message: String)? {
        var config = KubernetesConfig()
        config.issuer = issuer
        config.disableISSValidation = !validateIssuer
        var role = KubernetesRole()
        role.audience = audience
        var log = KubernetesLoginChecks()
        do {
            try ValidatorClaims(config: config, role: role, now: now).check(claims, &log)
            return nil
        } catch let ended as LoginDecision<KubernetesLoginFailure>.Ended {
            guard let failed = ended.decision.failedCheck else { return nil }
            return (failed.name, ended.decision.error?.messages.first ?? "")
        } catch {
            return ("unexpected", "\(error)")
        }
    }

    static let t = 1_700_000_000.0

    @Test("a well-formed projected token passes")
    func passes() {
        #expect(Self.failure(["aud": [.string(Self.audience)], "exp": .int(Int64(Self.t) + 600), "iat": .int(Int64(Self.t))]) == nil)
        #expect(Self.failure(["aud": .string(Self.audience)]) == nil)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let claims: [String: JSONValue]
        let check: String
        let message: String
        var testDescription: String { "\(check): \(message)" }
    }

    static let aud: JSONValue = [.string(audience)]
    static let audienceMessage = "invalid audience (aud) claim: audience claim does not match any expected audience"
    static let rows: [Row] = [
        Row(claims: ["aud": ["other"]], check: "aud", message: audienceMessage),
        Row(claims: ["aud": 5], check: "aud", message: audienceMessage),
        Row(claims: ["aud": aud, "exp": .double(t - 151)], check: "exp", message: "invalid expiration time (exp) claim: token is expired"),
        Row(claims: ["aud": aud, "nbf": .double(t + 151)], check: "nbf", message: "invalid not before (nbf) claim: token not yet valid"),
        Row(
            claims: ["aud": aud, "iat": .double(t + 151)], check: "iat",
            message: "invalid issued at (iat) claim: token issued in the future"),
        Row(claims: ["aud": aud, "exp": "tomorrow"], check: "exp", message: "invalid exp claim: expected a number"),
        Row(claims: ["aud": aud, "exp": .double(.infinity)], check: "exp", message: "invalid exp claim: expected a number"),
        Row(claims: ["aud": aud, "exp": .double(-1e300)], check: "exp", message: "invalid expiration time (exp) claim: token is expired"),
    ]

    @Test("each failing claim refuses with the validator's message", arguments: rows)
    func refused(_ row: Row) {
        let failure = Self.failure(row.claims)
        #expect(failure?.check == row.check)
        #expect(failure?.message == row.message)
    }

    @Test("within the leeway, times pass; huge times never trap")
    func leeway() {
        let aud: JSONValue = [.string(Self.audience)]
        #expect(Self.failure(["aud": aud, "exp": .double(Self.t - 149), "nbf": .double(Self.t + 149)]) == nil)
        #expect(Self.failure(["aud": aud, "exp": .double(1e300), "iat": .int(Int64.min)]) == nil)
    }

    @Test("no role audience: aud is not checked")
    func noAudience() {
        #expect(Self.failure(["aud": ["anything"]], audience: "") == nil)
    }

    @Test("iss is compared only when validation is on and an issuer is configured")
    func issuer() {
        let aud: JSONValue = [.string(Self.audience)]
        #expect(Self.failure(["aud": aud, "iss": "other"], issuer: "https://k8s", validateIssuer: false) == nil)
        #expect(Self.failure(["aud": aud, "iss": "other"], issuer: "", validateIssuer: true) == nil)
        #expect(
            Self.failure(["aud": aud, "iss": "other"], issuer: "https://k8s", validateIssuer: true)?.message == "invalid issuer (iss) claim"
        )
        #expect(Self.failure(["aud": aud, "iss": "https://k8s"], issuer: "https://k8s", validateIssuer: true) == nil)
    }
}
