import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// A token's shape before any key is tried: the compact split, base64url, the
/// header JSON, and the `alg` it names, through the verifier the login uses.
@Suite struct CompactJWSTests {
    static let header = TestSigner.encode(Data(#"{"alg":"ES256"}"#.utf8))
    static let payload = TestSigner.encode(Data(#"{"sub":"x"}"#.utf8))

    /// The refusal the login would give, as the client reads it.
    static func refusal(_ token: String, remote: Bool = false) throws -> String? {
        let verifier: TokenVerifier = remote ? try unreachableKeySet() : .staticKeys(SignatureKeys())
        do throws(JWTLoginFailure) {
            _ = try verifier.header(of: CompactJWS(token))
            return nil
        } catch {
            return error.error.messages.first
        }
    }

    /// A remote key set that is never fetched: every test here is refused first.
    static func unreachableKeySet() throws -> TokenVerifier {
        .remote(RemoteKeySet(fetcher: try KeyFetcher(caPEM: ""), discoveryURL: nil, jwksURL: "https://127.0.0.1:1/keys"))
    }

    @Test(
        "anything but three parts is refused with go-jose's message",
        arguments: [
            "", "abc", "a.b", "a.b.c.d", "....",
        ])
    func partCount(_ token: String) throws {
        #expect(
            try Self.refusal(token)
                == "error validating token: error verifying token signature: go-jose/go-jose: compact JWS format must have three parts")
    }

    @Test("a byte outside base64url is reported by its offset within its part")
    func illegalBase64() throws {
        #expect(
            try Self.refusal("\(Self.header).ab+c.sig")
                == "error validating token: error verifying token signature: illegal base64 data at input byte 2")
        #expect(
            try Self.refusal("\(Self.header).\(Self.payload).sig=")
                == "error validating token: error verifying token signature: illegal base64 data at input byte 3")
        // A remote key set goes through go-oidc, which prefixes its own words.
        #expect(
            try Self.refusal("a b.c.d", remote: true)
                == "error validating token: error verifying token signature: oidc: malformed jwt: illegal base64 data at input byte 1")
    }

    @Test(
        "a header that is not a JSON object is an invalid header",
        arguments: [
            TestSigner.encode(Data("[1]".utf8)), TestSigner.encode(Data("not json".utf8)), "", "a",
        ])
    func invalidHeader(_ header: String) throws {
        #expect(
            try Self.refusal("\(header).\(Self.payload).c2ln")
                == "error validating token: error verifying token signature: go-jose/go-jose: invalid header")
    }

    @Test("an oversized token is refused by its first bad byte, far in")
    func oversized() throws {
        let big = String(repeating: "A", count: 1 << 20)
        #expect(
            try Self.refusal("\(Self.header).\(big)!.sig")
                == "error validating token: error verifying token signature: illegal base64 data at input byte \(1 << 20)")
        // Valid base64url all the way, but a megabyte of zero bytes is no JSON header.
        #expect(
            try Self.refusal("\(big).\(Self.payload).c2ln")
                == "error validating token: error verifying token signature: go-jose/go-jose: invalid header")
    }

    @Test("the split gives header, payload and signature, and signs header.payload")
    func parts() {
        let token = CompactJWS("\(Self.header).\(Self.payload).c2ln")
        #expect(token.parts.count == 3)
        #expect(String(decoding: token.signingInput, as: UTF8.self) == "\(Self.header).\(Self.payload)")
        #expect(CompactJWS("a.b").signingInput.isEmpty)
    }

    @Test("alg none, HMAC and an unknown alg verify against no key", arguments: ["none", "HS256", "XX999", ""])
    func wrongAlgorithm(_ alg: String) async throws {
        let signer = TestSigner()
        let token = try signer.token(["sub": "x", "exp": 9_999_999_999], header: ["alg": .string(alg)])
        let verifier = try await signer.verifier()
        await #expect(throws: JWTLoginFailure.signature("no known key successfully validated the token signature")) {
            try await verifier.verify(CompactJWS(token), alg: alg, kid: nil, allowedAlgs: JWTConfig.supportedAlgorithms)
        }
    }

    @Test("a remote key set refuses an algorithm it does not accept before fetching any key")
    func remoteRefusesAlgorithm() async throws {
        let verifier = try Self.unreachableKeySet()
        let token = CompactJWS("\(TestSigner.encode(Data(#"{"alg":"HS256"}"#.utf8))).\(Self.payload).c2ln")
        await #expect(
            throws: JWTLoginFailure.signature(#"oidc: malformed jwt: unexpected signature algorithm "HS256"; expected ["RS256" "ES256"]"#)
        ) {
            try await verifier.verify(token, alg: "HS256", kid: nil, allowedAlgs: ["RS256", "ES256"])
        }
    }
}
