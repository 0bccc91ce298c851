import CofferEncoding
import CofferMountKit
import Foundation

/// The registered-claim checks OpenBao's validator (hashicorp/cap's `jwt`)
/// runs on a service-account token before anything else looks at it: `iss`
/// when the config asks for it, `aud` when the role names an audience, and
/// `exp`, `nbf`, `iat` when present, with cap's 150 s leeway. Each refusal is
/// a 403 carrying the validator's own message, as OpenBao answers.
struct ValidatorClaims {
    let config: KubernetesConfig
    let role: KubernetesRole
    let now: Date

    static let leeway: Double = 150

    func check(_ claims: [String: JSONValue], _ log: inout KubernetesLoginChecks) throws {
        try checkIssuer(claims, &log)
        try checkAudience(claims, &log)
        try checkTimes(claims, &log)
    }

    /// OpenBao checks `iss` only when validation is on and an issuer is
    /// configured: its default issuer is never actually compared.
    private func checkIssuer(_ claims: [String: JSONValue], _ log: inout KubernetesLoginChecks) throws {
        guard !config.disableISSValidation, !config.issuer.isEmpty else {
            return log.skip("iss", expected: "no issuer to check (disable_iss_validation or no issuer)")
        }
        let issuer = claims["iss"]?.stringValue ?? ""
        guard issuer == config.issuer else {
            try log.fail("iss", expected: config.issuer, actual: issuer, .claim("invalid issuer (iss) claim"))
        }
        log.pass("iss", expected: config.issuer, actual: issuer)
    }

    private func checkAudience(_ claims: [String: JSONValue], _ log: inout KubernetesLoginChecks) throws {
        guard !role.audience.isEmpty else { return log.skip("aud", expected: "no audience on the role") }
        let audiences: [String] =
            switch claims["aud"] {
            case .string(let single)?: [single]
            case .array(let items)?: items.compactMap(\.stringValue)
            default: []
            }
        let shown = "[\(audiences.joined(separator: ", "))]"
        guard audiences.contains(role.audience) else {
            try log.fail(
                "aud", expected: role.audience, actual: shown,
                .claim("invalid audience (aud) claim: audience claim does not match any expected audience"))
        }
        log.pass("aud", expected: role.audience, actual: shown)
    }

    private func checkTimes(_ claims: [String: JSONValue], _ log: inout KubernetesLoginChecks) throws {
        let current = now.timeIntervalSince1970
        var dates: [String: Double] = [:]
        for name in ["exp", "nbf", "iat"] {
            switch claims[name] {
            case nil, .null?: continue
            case .int(let number)?: dates[name] = Double(number)
            case .double(let number)? where number.isFinite: dates[name] = number.rounded(.towardZero)
            default:
                try log.fail(name, expected: "a NumericDate", actual: "not a number", .claim("invalid \(name) claim: expected a number"))
            }
        }
        let skew = "150 s leeway"
        if let exp = dates["exp"] {
            let actual = "\(TimeClaims.shown(exp)), now \(TimeClaims.shown(current))"
            if exp + Self.leeway < current {
                try log.fail(
                    "exp", expected: "at least now - \(skew)", actual: actual,
                    .claim("invalid expiration time (exp) claim: token is expired"))
            }
            log.pass("exp", expected: "at least now - \(skew)", actual: actual)
        } else {
            log.skip("exp", expected: "at least now - \(skew)", actual: "absent")
        }
        for (name, message) in [
            ("nbf", "invalid not before (nbf) claim: token not yet valid"),
            ("iat", "invalid issued at (iat) claim: token issued in the future"),
        ] {
            guard let date = dates[name] else {
                log.skip(name, expected: "at most now + \(skew)", actual: "absent")
                continue
            }
            let actual = "\(TimeClaims.shown(date)), now \(TimeClaims.shown(current))"
            if current + Self.leeway < date { try log.fail(name, expected: "at most now + \(skew)", actual: actual, .claim(message)) }
            log.pass(name, expected: "at most now + \(skew)", actual: actual)
        }
    }
}
