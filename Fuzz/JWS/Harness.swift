import CofferEncoding
import CofferMountKit
import Foundation

/// libFuzzer entry for what a JWT login does to a token before and around the
/// signature check: the compact split, base64url, the header and claims JSON,
/// the time claims and the claim lookups (JSON pointers included).
///
/// Compiled into one module with `CompactJWS.swift`, `TimeClaims.swift`,
/// `ClaimLookup.swift`, `BoundClaims.swift` and `JWTLoginFailure.swift`, so their
/// internal types are in reach.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let token = CompactJWS(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    _ = token.signingInput
    _ = token.firstIllegalByte()
    var objects: [[String: JSONValue]] = []
    for part in token.parts {
        guard let bytes = Base64URL.decode(part) else { continue }
        if case .object(let members)? = try? JSONValue.parse(bytes) { objects.append(members) }
    }
    for claims in objects {
        let exp = try? TimeClaims.numericDate(claims["exp"])
        let nbf = try? TimeClaims.numericDate(claims["nbf"])
        let iat = try? TimeClaims.numericDate(claims["iat"])
        let leeways = TimeClaims.Leeways(clockSkew: 0, expiration: -1, notBefore: Int64.max)
        var log = JWTLoginChecks()
        try? TimeClaims.check(exp: exp, nbf: nbf, iat: iat, leeways: leeways, now: Date(), into: &log)
        for (key, value) in claims {
            _ = ClaimLookup.value(key, in: claims)
            _ = ClaimLookup.value("/" + key, in: claims)
            // A claim's string value as a pointer, as a role's `user_claim` may be.
            if case .string(let text) = value { _ = ClaimLookup.value(text, in: claims, pointer: true) }
            _ = ClaimLookup.goFormat(value)
        }
        // The claims as their own bound claims, exact and glob.
        try? BoundClaims.check(claims, claims: claims, glob: false, into: &log)
        try? BoundClaims.check(claims, claims: claims, glob: true, into: &log)
    }
    return 0
}
