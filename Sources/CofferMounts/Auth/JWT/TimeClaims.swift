import CofferEncoding
import CofferMountKit
import Foundation

/// `exp`/`nbf`/`iat` with the three leeways, as the JWT plugin really applies them
/// (spec/jwt-auth.md §3.4): only `clock_skew_leeway` relaxes a claim that is
/// present; the other two only synthesize a missing `exp` or `nbf`.
enum TimeClaims {
    struct Leeways {
        var clockSkew: Int64
        var expiration: Int64
        var notBefore: Int64

        /// 0 means the default (60 s, 150 s, 150 s); a negative value means none.
        static func effective(_ value: Int64, default fallback: Int64) -> Double {
            value == 0 ? Double(fallback) : value < 0 ? 0 : Double(value)
        }
    }

    /// Records the `nbf`, `exp` and `iat` checks in the plugin's order; the first
    /// that fails ends the login.
    static func check(exp: Double?, nbf: Double?, iat: Double?, leeways: Leeways, now: Date, into log: inout JWTLoginChecks) throws {
        let cs = Leeways.effective(leeways.clockSkew, default: 60)
        let el = Leeways.effective(leeways.expiration, default: 150)
        let nl = Leeways.effective(leeways.notBefore, default: 150)
        guard exp != nil || nbf != nil || iat != nil else {
            try log.fail("time_claims", expected: "exp, nbf or iat", actual: "none", .noTimeClaims)
        }
        let current = now.timeIntervalSince1970
        let (expEffective, expSource) =
            exp.map { ($0, "exp") }
            ?? (max(iat ?? 0, nbf ?? 0) + el, "\((iat ?? 0) >= (nbf ?? 0) ? "iat" : "nbf") + expiration_leeway \(shown(el))s")
        let (nbfEffective, nbfSource) =
            nbf.map { ($0, "nbf") } ?? iat.map { ($0, "iat") }
            ?? (expEffective - nl, "exp - not_before_leeway \(shown(nl))s")
        // Worded only when kept (a refusal, or an explanation).
        func notAfter() -> String { "at most now + clock_skew_leeway \(shown(cs))s" }
        func notBefore() -> String { "at least now - clock_skew_leeway \(shown(cs))s" }
        func actual(_ claim: String, _ time: Double, _ source: String) -> String {
            "\(shown(time)) (\(source)), now \(shown(current))\(measuredSkew(claim, time, now: current))"
        }
        if current + cs < nbfEffective {
            try log.fail("nbf", expected: notAfter(), actual: actual("nbf", nbfEffective, nbfSource), .notYetValid)
        }
        log.pass("nbf", expected: notAfter(), actual: actual("nbf", nbfEffective, nbfSource))
        if current - cs > expEffective {
            try log.fail("exp", expected: notBefore(), actual: actual("exp", expEffective, expSource), .expired)
        }
        log.pass("exp", expected: notBefore(), actual: actual("exp", expEffective, expSource))
        guard let iat else { return log.skip("iat", expected: notAfter(), actual: "absent") }
        if current + cs < iat { try log.fail("iat", expected: notAfter(), actual: actual("iat", iat, "iat"), .issuedInFuture) }
        log.pass("iat", expected: notAfter(), actual: actual("iat", iat, "iat"))
    }

    /// The measured skew, the figure a refused runner needs ("token not yet
    /// valid" alone does not say whether its clock is 2 s or 2 h ahead): how far
    /// a claim's time lies from this server's clock, in whole seconds.
    static func measuredSkew(_ claim: String, _ time: Double, now: Double) -> String {
        let offset = time - now
        guard offset.magnitude < 1e15 else { return "" }
        let seconds = Int64(offset.rounded(.towardZero))
        let span = "\(seconds.magnitude) s"
        let side = seconds == 0 ? "equal to" : seconds > 0 ? "\(span) ahead of" : "\(span) behind"
        // A start in the future is the issuer's clock ahead of ours: that is the skew.
        // An end is how long the token has left (or has been expired).
        return "; \(claim == "exp" ? "" : "measured skew: ")\(claim) is \(side) this server's clock"
    }

    /// A NumericDate claim: a number (fractions truncated); `0` or `null` is absent.
    static func numericDate(_ value: JSONValue?) throws(JWTLoginFailure) -> Double? {
        switch value {
        case nil, .null?: return nil
        case .int(let number)?: return number == 0 ? nil : Double(number)
        case .double(let number)?: return number == 0 ? nil : number.rounded(.towardZero)
        default: throw .numericDateType
        }
    }

    /// Seconds as a whole number when they are one (claims are truncated), else
    /// as Swift prints a double (`1e+300`): huge claims must not trap a conversion.
    static func shown(_ seconds: Double) -> String {
        guard seconds.magnitude < 1e15, seconds == seconds.rounded(.towardZero) else { return String(seconds) }
        return String(Int64(seconds))
    }
}
