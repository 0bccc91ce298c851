import CofferMountKit
import Testing

@testable import CofferCore

/// The root generation attempt: one at a time, shares checked against its nonce,
/// a wrong key starting the shares over without ending the attempt.
@Suite struct RootGenerationTests {
    let otp = String(repeating: "a", count: RootGeneration.otpLength)

    @Test("an OTP must be exactly as long as a token, and only one attempt runs at a time")
    func start() throws {
        var generation = RootGeneration()
        #expect(throws: CoreError.badRequest("OTP string has incorrect length")) { try generation.start(otp: "short", nonce: "n") }
        try generation.start(otp: otp, nonce: "n")
        #expect(throws: CoreError.badRequest("root generation already in progress for this namespace")) {
            try generation.start(otp: otp, nonce: "m")
        }
        #expect(generation.attempt?.nonce == "n")
    }

    @Test("shares need the attempt's nonce, count once each, and the threshold hands them all over")
    func shares() throws {
        var generation = RootGeneration()
        #expect(throws: CoreError.badRequest("no root generation in progress")) { try generation.add([1], nonce: "n", threshold: 2) }
        try generation.start(otp: otp, nonce: "n")
        #expect(throws: CoreError.self) { try generation.add([1], nonce: "other", threshold: 2) }
        #expect(try generation.add([1], nonce: "n", threshold: 2) == .needMore(progress: 1))
        #expect(throws: CoreError.self) { try generation.add([1], nonce: "n", threshold: 2) }
        #expect(try generation.add([2], nonce: "n", threshold: 2) == .tryKey([[1], [2]]))
        // The attempt stays open with no shares: a wrong key can be followed by the right ones.
        #expect(generation.attempt?.shares.isEmpty == true && generation.attempt?.otp == otp)
        generation.finish()
        #expect(generation.attempt == nil)
    }

    @Test("an encoded token decodes back with its OTP, and lengths must match")
    func encoding() throws {
        let token = "s." + String(repeating: "Z", count: 24)
        let encoded = try RootTokenEncoding.encode(token, otp: otp)
        #expect(!encoded.contains("="))
        #expect(try RootTokenEncoding.decode(encoded, otp: otp) == token)
        #expect(throws: CoreError.self) { try RootTokenEncoding.encode(token, otp: "short") }
        #expect(throws: CoreError.self) { try RootTokenEncoding.decode(encoded, otp: "short") }
    }
}

/// `sys/remount` requests, checked before anything moves.
@Suite struct RemountPlanTests {
    func plan(_ from: String, _ to: String) throws -> RemountPlan {
        try RemountPlan(RequestFields(["from": .string(from), "to": .string(to)]))
    }

    @Test("paths are sanitized and sorted into their table")
    func tables() throws {
        let secrets = try plan("/kv", "kv2/")
        #expect(secrets.table == .secrets && secrets.source == "kv/" && secrets.target == "kv2/")
        let auth = try plan("auth/approle", "auth/ci")
        #expect(auth.table == .auth && auth.source == "approle/" && auth.target == "ci/")
        #expect(auth.sourceRoute == "auth/approle/" && auth.targetRoute == "auth/ci/")
    }

    @Test(
        "moves from or to what the core owns, across tables, or to an unclean path are refused",
        arguments: [
            ("", "x", "both 'from' and 'to' path must be specified as a string"),
            ("kv ", "x", "'from' path cannot contain trailing whitespace"),
            ("sys", "x", "cannot remount \"sys/\""),
            ("kv", "identity/x", "cannot remount to destination identity/x/"),
            ("auth/approle", "kv", "cannot remount auth mount to non-auth mount \"kv/\""),
            ("auth/token", "auth/t", "cannot remount \"auth/token/\""),
            ("kv", "a//b", "invalid destination mount: path 'a//b/' does not match cleaned path 'a/b/'"),
            ("kv", "a\u{7}b", "invalid destination mount: path cannot contain non-printable characters"),
        ])
    func refusals(from: String, to: String, message: String) {
        #expect(throws: CoreError.badRequest(message)) { try plan(from, to) }
    }
}
