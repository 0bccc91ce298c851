import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// `exp`, `nbf` and `iat` as the JWT plugin reads and checks them (spec/jwt-auth.md
/// §3.4): NumericDate decoding, then the checks with their three leeways.
@Suite struct TimeClaimsTests {
    static let now: Double = 1_700_000_000

    /// One table row: the claims, the leeways, and the check expected to fail.
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        var exp: Double? = nil
        var nbf: Double? = nil
        var iat: Double? = nil
        var leeways = TimeClaims.Leeways(clockSkew: 0, expiration: 0, notBefore: 0)
        /// The check that fails, or nil when all pass.
        let failing: String?
        var failure: JWTLoginFailure? = nil
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "no time claims at all", failing: "time_claims", failure: .noTimeClaims),
        Row(name: "expired beyond the 60 s default skew", exp: now - 61, failing: "exp", failure: .expired),
        Row(name: "expired within the skew", exp: now - 59, failing: nil),
        Row(name: "not yet valid beyond the skew", exp: now + 600, nbf: now + 61, failing: "nbf", failure: .notYetValid),
        Row(name: "not yet valid within the skew", exp: now + 600, nbf: now + 59, failing: nil),
        Row(name: "a future iat stands in for a missing nbf", exp: now + 600, iat: now + 61, failing: "nbf", failure: .notYetValid),
        Row(
            name: "a future iat fails after a valid nbf", exp: now + 600, nbf: now - 10, iat: now + 61, failing: "iat",
            failure: .issuedInFuture),
        Row(name: "iat alone: exp is iat + 150 s", iat: now - 200, failing: nil),
        Row(name: "iat alone, older than 150 s + skew", iat: now - 211, failing: "exp", failure: .expired),
        Row(
            name: "no expiration leeway: iat alone is already expired", iat: now - 61,
            leeways: .init(clockSkew: 0, expiration: -1, notBefore: 0), failing: "exp", failure: .expired),
        Row(
            name: "no clock skew: a second late is expired", exp: now - 1,
            leeways: .init(clockSkew: -1, expiration: 0, notBefore: 0), failing: "exp", failure: .expired),
        Row(
            name: "a wide clock skew forgives", exp: now - 200,
            leeways: .init(clockSkew: 300, expiration: 0, notBefore: 0), failing: nil),
        Row(name: "exp alone: nbf is exp - 150 s", exp: now + 100, failing: nil),
        Row(
            name: "exp alone with no not-before leeway starts at exp", exp: now + 100,
            leeways: .init(clockSkew: 0, expiration: 0, notBefore: -1), failing: "nbf", failure: .notYetValid),
        Row(name: "a huge exp never expires", exp: 1e300, iat: now - 10, failing: nil),
        Row(name: "a huge exp alone is not valid yet: its nbf is exp - 150 s", exp: 1e300, failing: "nbf", failure: .notYetValid),
        Row(name: "a huge nbf is never valid", exp: 1e300, nbf: 1e300, failing: "nbf", failure: .notYetValid),
        Row(name: "a hugely negative exp is expired", exp: -1e300, failing: "exp", failure: .expired),
        Row(
            name: "Int64.max as every claim", exp: Double(Int64.max), nbf: Double(Int64.max), iat: Double(Int64.max),
            failing: "nbf", failure: .notYetValid),
    ]

    @Test("each row fails on the check the plugin fails it on", arguments: rows)
    func check(_ row: Row) {
        var log = JWTLoginChecks()
        var thrown: JWTLoginFailure?
        do {
            try TimeClaims.check(
                exp: row.exp, nbf: row.nbf, iat: row.iat, leeways: row.leeways,
                now: Date(timeIntervalSince1970: Self.now), into: &log)
        } catch let ended as LoginDecision<JWTLoginFailure>.Ended {
            thrown = ended.decision.failedCheck?.failure
            #expect(ended.decision.failedCheck?.name == row.failing)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(thrown == row.failure)
        if row.failing == nil {
            #expect(log.checks.map(\.name).prefix(2) == ["nbf", "exp"])
            #expect(!log.checks.contains { $0.outcome == .failed })
        }
    }

    @Test(
        "NumericDate: numbers truncated, 0 and null absent",
        arguments: [
            (nil, nil), (.null, nil), (.int(0), nil), (.double(0), nil), (.int(1_700_000_000), 1_700_000_000),
            (.double(1_700_000_000.9), 1_700_000_000), (.double(-1.5), -1), (.int(Int64.max), Double(Int64.max)),
            (.double(1e300), 1e300),
        ] as [(JSONValue?, Double?)])
    func numericDate(_ value: JSONValue?, _ expected: Double?) throws {
        #expect(try TimeClaims.numericDate(value) == expected)
    }

    @Test(
        "NumericDate: anything but a number is go-jose's type error",
        arguments: [
            .string("1700000000"), .bool(true), .array([1]), .object(["t": 1]),
        ] as [JSONValue])
    func nonNumeric(_ value: JSONValue) {
        #expect(throws: JWTLoginFailure.numericDateType) { try TimeClaims.numericDate(value) }
        #expect(
            JWTLoginFailure.numericDateType.error.messages
                == ["error validating token: go-jose/go-jose/jwt: expected number value to unmarshal NumericDate"])
    }

    @Test("a refused nbf says by how much the issuer's clock is ahead; an expired exp, how long ago")
    func measuredSkew() throws {
        func failed(exp: Double, nbf: Double? = nil) -> LoginCheck<JWTLoginFailure>? {
            var log = JWTLoginChecks()
            do {
                try TimeClaims.check(
                    exp: exp, nbf: nbf, iat: nil, leeways: .init(clockSkew: 0, expiration: 0, notBefore: 0),
                    now: Date(timeIntervalSince1970: Self.now), into: &log)
            } catch let ended as LoginDecision<JWTLoginFailure>.Ended {
                return ended.decision.failedCheck
            } catch {}
            return nil
        }
        let early = try #require(failed(exp: Self.now + 600, nbf: Self.now + 95))
        #expect(early.name == "nbf" && early.actual.hasSuffix("measured skew: nbf is 95 s ahead of this server's clock"))
        let late = try #require(failed(exp: Self.now - 3700))
        #expect(late.name == "exp" && late.actual.hasSuffix("; exp is 3700 s behind this server's clock"))
        #expect(TimeClaims.measuredSkew("nbf", 1e300, now: Self.now) == "", "a huge claim has no figure, and no trap")
        #expect(TimeClaims.measuredSkew("iat", -Double(Int64.max), now: Self.now) == "")
    }

    @Test("huge values are shown, not trapped on")
    func shownSeconds() {
        #expect(TimeClaims.shown(1_700_000_000) == "1700000000")
        #expect(TimeClaims.shown(1e300) == "1e+300")
        #expect(TimeClaims.shown(Double(Int64.max)) == "9.223372036854776e+18")
    }
}
