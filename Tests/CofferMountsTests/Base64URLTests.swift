import Foundation
import Testing

@testable import CofferMounts

/// JWS parts are unpadded base64url; the login's decoder must read exactly what
/// Foundation reads once the padding and alphabet are restored, and refuse the rest.
@Suite struct Base64URLTests {
    @Test("decodes every length and byte value as Foundation does")
    func matchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.decode(Array(encoded.utf8)) == bytes)
        }
    }

    @Test("refuses bytes outside the alphabet, padding, and impossible lengths")
    func refusesMalformed() {
        #expect(Base64URL.decode(Array("ab+c".utf8)) == nil)
        #expect(Base64URL.decode(Array("ab/c".utf8)) == nil)
        #expect(Base64URL.decode(Array("abc=".utf8)) == nil)
        #expect(Base64URL.decode(Array("abcde".utf8)) == nil)
    }

    @Test("a token is split once; the first illegal byte is found by its offset in its part")
    func compactParts() {
        let token = CompactJWS("aGVhZA.cGF5bG9hZA.c2ln")
        #expect(token.parts.count == 3)
        #expect(String(decoding: token.signingInput, as: UTF8.self) == "aGVhZA.cGF5bG9hZA")
        #expect(token.firstIllegalByte() == nil)
        #expect(CompactJWS("aGVhZA.cGF5b+G9hZA.c2ln").firstIllegalByte() == 5)
    }
}
