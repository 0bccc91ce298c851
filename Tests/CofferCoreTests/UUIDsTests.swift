import CofferMountKit
import Crypto
import Foundation
import Testing

@testable import CofferCore

/// Request ids, entity ids, token ids and accessors are written straight into
/// their strings; clients parse them, so their spelling is what they rely on.
@Suite struct UUIDsTests {
    @Test("a version 4 UUID is lowercase 8-4-4-4-12 with its version and variant bits set")
    func version4Spelling() {
        let bytes: [UInt8] = Array(0..<16).map { UInt8($0) &* 17 }
        #expect(UUIDs.version4(bytes) == "00112233-4455-4677-8899-aabbccddeeff")
        #expect(UUIDs.version4([UInt8](repeating: 0xFF, count: 16)) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        // Foundation agrees on random ones.
        for _ in 0..<100 {
            let id = UUIDs.make()
            #expect(UUID(uuidString: id) != nil && id == id.lowercased() && id.count == 36)
            #expect(Array(id)[14] == "4" && "89ab".contains(Array(id)[19]))
        }
    }

    @Test("the same mount and alias always give the same entity id, and others another")
    func entityIDIsStable() {
        let first = IdentityStore.derivedID("auth_jwt_1234", "org/x/project/y/user/z", kind: 0)
        #expect(first == IdentityStore.derivedID("auth_jwt_1234", "org/x/project/y/user/z", kind: 0))
        #expect(first != IdentityStore.derivedID("auth_jwt_1234", "org/x/project/y/user/w", kind: 0))
        #expect(first != IdentityStore.derivedID("auth_jwt_5678", "org/x/project/y/user/z", kind: 0))
        // SHA-256 of "<accessor>\0<alias>" spelled as a UUID, as every earlier
        // version made it: an entity id must not change across upgrades.
        let digest = Array(SHA256.hash(data: Array("auth_jwt_1234\u{0}org/x/project/y/user/z".utf8)))
        #expect(first == UUIDs.version4(digest))
    }

    @Test("base62 ids have the asked length, only base62 characters, and differ")
    func base62Spelling() {
        let alphabet = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var seen: Set<String> = []
        for length in [1, 24, 40, 100] {
            let id = UUIDs.base62(length)
            #expect(id.count == length && id.allSatisfy(alphabet.contains))
            seen.insert(id)
        }
        #expect(seen.count == 4)
    }
}
