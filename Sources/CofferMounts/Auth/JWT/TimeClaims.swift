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

    static func check(exp: Double?, nbf: Double?, iat: Double?, leeways: Leeways, now: Date) throws {
        let cs = Leeways.effective(leeways.clockSkew, default: 60)
        let el = Leeways.effective(leeways.expiration, default: 150)
        let nl = Leeways.effective(leeways.notBefore, default: 150)
        guard exp != nil || nbf != nil || iat != nil else {
            throw MountError.badRequest("error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token")
        }
        let current = now.timeIntervalSince1970
        let expEffective = exp ?? (max(iat ?? 0, nbf ?? 0) + el)
        let nbfEffective = nbf ?? iat ?? (expEffective - nl)
        if current + cs < nbfEffective {
            throw MountError.badRequest("error validating token: invalid not before (nbf) claim: token not yet valid")
        }
        if current - cs > expEffective {
            throw MountError.badRequest("error validating token: invalid expiration time (exp) claim: token is expired")
        }
        if let iat, current + cs < iat {
            throw MountError.badRequest("error validating token: invalid issued at (iat) claim: token issued in the future")
        }
    }

    /// A NumericDate claim: a number (fractions truncated); `0` or `null` is absent.
    static func numericDate(_ value: JSONValue?) throws -> Double? {
        switch value {
        case nil, .null?: return nil
        case .int(let number)?: return number == 0 ? nil : Double(number)
        case .double(let number)?: return number == 0 ? nil : number.rounded(.towardZero)
        default: throw MountError.badRequest("error validating token: go-jose/go-jose/jwt: expected number value to unmarshal NumericDate")
        }
    }
}
