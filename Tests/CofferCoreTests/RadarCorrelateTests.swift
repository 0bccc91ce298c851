import CofferEncoding
import CofferRadar
import CofferTesting
import Foundation
import Testing

@testable import CofferCore

/// `sys/radar/` (spec/radar.md §11): the key is stored behind the barrier and rotatable, and
/// correlate answers only for secrets the caller's token may read, with path and version.
@Suite struct RadarCorrelateTests {
    typealias Answer = TokenLimitsTests.Answer

    static func call(
        _ core: Core, _ operation: Request.Operation, _ path: String, _ data: [String: JSONValue] = [:], token: String? = TestCore.rootToken
    ) async -> Answer {
        await TokenLimitsTests.call(core, operation, path, data, token: token)
    }

    /// The scanner's side: the hasher under the key the server hands out.
    static func hasher(_ core: Core, token: String = TestCore.rootToken) async throws -> CorrelationHasher {
        let data = await call(core, .read, "sys/radar/key", token: token).data
        let key = try #require(data["key"]?.stringValue.flatMap(RadarHashKey.init(base64:)))
        guard case .int(let n)? = data["kdf"]?["n"], case .int(let r)? = data["kdf"]?["r"], case .int(let p)? = data["kdf"]?["p"] else {
            Issue.record("no kdf parameters")
            throw CancellationError()
        }
        return try #require(CorrelationHasher(hashKey: key, parameters: .init(rounds: Int(n), blockSize: Int(r), parallelism: Int(p))))
    }

    /// A 32-letter value that differs per seed (made here, never a real secret).
    static func value(_ seed: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var text = ""
        for index in 0..<32 {
            let position: Int = (seed * 7 + index * 13 + index * index * seed) % 26
            text.append(letters[position])
        }
        return text
    }

    @Test func matchesOnlyReadableSecretsWithPathVersionAndState() async throws {
        let core = try await TestCore.unsealed()
        let (old, live, hidden, absent) = (Self.value(1), Self.value(2), Self.value(3), Self.value(4))
        _ = await Self.call(core, .write, "secret/data/ci/app", ["data": ["token": .string(old)]])
        _ = await Self.call(
            core, .write, "secret/data/ci/app", ["data": ["token": .string(live), "nested": ["inner": .string(absent + "x")]]])
        _ = await Self.call(core, .write, "secret/data/ci/hidden", ["data": ["token": .string(hidden)]])
        let policy = """
            path "sys/radar/key" { capabilities = ["read"] }
            path "sys/radar/correlate" { capabilities = ["update"] }
            path "secret/data/ci/app" { capabilities = ["read"] }
            """
        _ = await Self.call(core, .write, "sys/policies/acl/radar", ["policy": .string(policy)])
        let token = try await TokenLimitsTests.token(core, policies: ["radar"])
        let hasher = try await Self.hasher(core, token: token)
        let hashes = [live, old, hidden, absent].compactMap { hasher.hash(Array($0.utf8)) }
        #expect(hashes.count == 4)
        let answer = await Self.call(core, .write, "sys/radar/correlate", ["hashes": JSONValue(hashes)], token: token)
        let matches = answer.data["matches"]?.arrayValue ?? []
        let byHash = Dictionary(matches.compactMap { match in match["hash"]?.stringValue.map { ($0, match) } }) { first, _ in first }
        #expect(byHash.count == 2)
        #expect(byHash[hashes[0]]?["version"] == 2 && byHash[hashes[0]]?["state"] == "current")
        #expect(
            byHash[hashes[0]]?["path"] == "ci/app" && byHash[hashes[0]]?["mount"] == "secret/" && byHash[hashes[0]]?["field"] == "token")
        #expect(byHash[hashes[1]]?["version"] == 1 && byHash[hashes[1]]?["state"] == "old")
        #expect(byHash[hashes[2]] == nil)  // stored, but not readable: not even confirmed
        #expect(byHash[hashes[3]] == nil)
        // Root reads everything: the hidden one matches for it.
        let root = await Self.call(core, .write, "sys/radar/correlate", ["hashes": JSONValue([hashes[2]])])
        #expect(root.data["matches"]?.arrayValue?.count == 1)
    }

    @Test func lastFourHintsMatchCurrentReadableValues() async throws {
        let core = try await TestCore.unsealed()
        let stored = Self.value(5)
        _ = await Self.call(core, .write, "secret/data/ci/npm", ["data": ["token": .string(stored), "short": "abc"]])
        let hasher = try await Self.hasher(core)
        let hash = try #require(hasher.hashKey.last4Hash(String(stored.suffix(4))))
        let answer = await Self.call(core, .write, "sys/radar/correlate-last4", ["hashes": [.string(hash)]])
        let match = answer.data["matches"]?.arrayValue?.first
        #expect(match?["path"] == "ci/npm" && match?["field"] == "token" && match?["evidence"] == "last4")
        let none = try #require(hasher.hashKey.last4Hash("abc!"))
        #expect(await Self.call(core, .write, "sys/radar/correlate-last4", ["hashes": [.string(none)]]).data["matches"] == [])
    }

    @Test func badHashListsAreRefused() async throws {
        let core = try await TestCore.unsealed()
        for hashes: JSONValue in [
            [], ["zz"], .string("x"), JSONValue(Array(repeating: String(repeating: "0", count: 64), count: 1001)),
            [JSONValue.int(1)], [.string(String(repeating: "A", count: 64))],
        ] {
            let answer = await Self.call(core, .write, "sys/radar/correlate", ["hashes": hashes])
            #expect(answer.error?.code == .badRequest)
        }
        let defaultToken = try await TokenLimitsTests.token(core, policies: ["default"])
        #expect(await Self.call(core, .read, "sys/radar/key", token: defaultToken).error != nil)
    }

    @Test func rotationChangesTheKeyAndOldHashesStopMatching() async throws {
        let core = try await TestCore.unsealed()
        let stored = Self.value(9)
        _ = await Self.call(core, .write, "secret/data/app", ["data": ["k": .string(stored)]])
        let before = try await Self.hasher(core)
        let again = try await Self.hasher(core)
        #expect(before.hashKey.keyID == again.hashKey.keyID)
        let hash = try #require(before.hash(Array(stored.utf8)))
        #expect(await Self.call(core, .write, "sys/radar/correlate", ["hashes": [.string(hash)]]).data["matches"]?.arrayValue?.count == 1)
        _ = await Self.call(core, .write, "sys/radar/key/rotate")
        let after = try await Self.hasher(core)
        #expect(after.hashKey.keyID != before.hashKey.keyID)
        #expect(await Self.call(core, .write, "sys/radar/correlate", ["hashes": [.string(hash)]]).data["matches"]?.arrayValue?.count == 0)
    }

    @Test func aTokenIsLimitedPerMinute() async throws {
        // A manual clock: the 61 calls cannot straddle a minute boundary.
        let clock = ManualClock()
        let core = try await TestCore.unsealed(clock: clock)
        let hash = String(repeating: "a", count: 64)
        var refused = 0
        for _ in 0..<61 {
            if await Self.call(core, .write, "sys/radar/correlate", ["hashes": [.string(hash)]]).error != nil { refused += 1 }
        }
        #expect(refused == 1)
        clock.advance(by: 60)
        #expect(await Self.call(core, .write, "sys/radar/correlate", ["hashes": [.string(hash)]]).error == nil)
    }
}
