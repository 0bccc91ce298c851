import Crypto
import Foundation
import Testing

@testable import CofferServer

/// The stamp a standby puts on a forwarded request: believed for the request it
/// was made for, by the cluster's key, for a short while; anything else is nil,
/// never a trap.
@Suite struct ForwardedClientTests {
    let key = SymmetricKey(size: .bits256)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func stamp(_ client: String = "10.0.0.7", method: String = "PUT", target: String = "/v1/secret/data/x", at time: Date? = nil) -> String
    {
        ForwardedClient.stamp(client: client, method: method, target: target, key: key, now: time ?? now)
    }

    func verify(_ stamp: String, method: String = "PUT", target: String = "/v1/secret/data/x") -> String? {
        ForwardedClient.verify(stamp, key: key, method: method, target: target, now: now)
    }

    @Test("a fresh stamp names its client")
    func fresh() {
        #expect(verify(stamp()) == "10.0.0.7")
        #expect(verify(stamp("::1")) == "::1")
    }

    @Test("another method, path, key or an old stamp is not believed")
    func refused() {
        #expect(verify(stamp(), method: "GET") == nil)
        #expect(verify(stamp(), target: "/v1/secret/data/y") == nil)
        #expect(
            ForwardedClient.verify(stamp(), key: SymmetricKey(size: .bits256), method: "PUT", target: "/v1/secret/data/x", now: now) == nil)
        #expect(verify(stamp(at: now.addingTimeInterval(-31))) == nil)
        #expect(verify(stamp(at: now.addingTimeInterval(60))) == nil)
        #expect(verify(stamp(at: now.addingTimeInterval(-29))) == "10.0.0.7")
    }

    @Test("a client address swapped into a signed stamp is refused")
    func tampered() {
        let parts = stamp().split(separator: " ")
        #expect(verify("\(parts[0]) 10.9.9.9 \(parts[2])") == nil)
    }

    @Test(
        "malformed stamps are nil",
        arguments: [
            "", " ", "  ", "1 2", "a b c", "1800000000  AAAA", "-9223372036854775808 10.0.0.7 AAAA",
            "9223372036854775807 10.0.0.7 AAAA", "99999999999999999999999 x AAAA", "1800000000 x !!!", "1800000000 x y z",
        ])
    func malformed(_ text: String) {
        #expect(verify(text) == nil)
    }
}
