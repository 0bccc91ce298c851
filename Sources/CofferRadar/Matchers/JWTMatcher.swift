import Foundation

/// Finds JSON Web Tokens and judges them by their decoded header and claims, never the signature.
struct JWTMatcher: SecretMatcher {
    static let marker = Array("eyJ".utf8)

    func match(_ input: MatchInput, hit: Range<Int>, into output: inout MatchOutput) {
        let start = hit.lowerBound
        guard input.hasBytes(Self.marker, at: start), input.isLeftBoundary(start, continuing: .base64URL),
            start >= output.scannedUpTo
        else { return }
        let segment = TokenShape.run(.base64URL, 10...8192)
        guard let headerEnd = segment.match(at: start, in: input.text),
            input.hasBytes(Array(".eyJ".utf8), at: headerEnd),
            let payloadEnd = segment.match(at: headerEnd + 1, in: input.text),
            input.hasBytes([UInt8(ascii: ".")], at: payloadEnd)
        else { return }
        let end = TokenShape.run(.base64URL, 0...8192).match(at: payloadEnd + 1, in: input.text) ?? payloadEnd + 1
        guard let header = Self.decodeObject(input.text[start..<headerEnd]),
            let claims = Self.decodeObject(input.text[(headerEnd + 1)..<payloadEnd])
        else { return }
        output.scannedUpTo = end
        let judged = judge(header: header, claims: claims, now: input.now)
        output.spans.append(MatchedSpan(range: start..<end, severity: judged.severity, tags: judged.tags))
    }

    /// Severity rules of spec §3: expired or `alg: none` → info; CircleCI OIDC → low unless unexpired.
    func judge(header: [String: Any], claims: [String: Any], now: Date) -> (severity: Severity?, tags: [String]) {
        let expiry = (claims["exp"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) }
        if (header["alg"] as? String)?.lowercased() == "none" { return (.info, ["alg-none"]) }
        if let expiry, expiry < now { return (.info, ["expired"]) }
        if let issuer = claims["iss"] as? String, issuer.hasPrefix("https://oidc.circleci.com") {
            return expiry == nil ? (.low, ["circleci-oidc"]) : (nil, ["circleci-oidc", "unexpired"])
        }
        return (nil, [])
    }

    /// Base64url-decodes a segment and parses it as a JSON object.
    static func decodeObject(_ segment: Slice<UnsafeBufferPointer<UInt8>>) -> [String: Any]? {
        var text = String(decoding: segment, as: UTF8.self)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.utf8.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object
    }
}
