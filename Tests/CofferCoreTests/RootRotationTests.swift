import CofferMountKit
import Testing

@testable import CofferCore

/// The root key rotation as a value: one at a time, current shares checked
/// against its nonce, and a pending new key that only a quorum of its own
/// shares (under the verification's nonce) lets through.
@Suite struct RootRotationTests {
    @Test("one rotation at a time; shares need its nonce, count once, and the threshold hands them over")
    func shares() throws {
        var rotation = RootRotation()
        #expect(throws: CoreError.badRequest("no rotation in progress")) { try rotation.add([1], nonce: "n", threshold: 2) }
        try rotation.start(nonce: "n", shares: 3, threshold: 2, requireVerification: false)
        #expect(throws: CoreError.badRequest("rotation already in progress")) {
            try rotation.start(nonce: "m", shares: 3, threshold: 2, requireVerification: false)
        }
        #expect(throws: CoreError.badRequest("incorrect nonce supplied; nonce for rotation is \"n\"")) {
            try rotation.add([1], nonce: "other", threshold: 2)
        }
        #expect(try rotation.add([1], nonce: "n", threshold: 2) == .needMore(progress: 1))
        #expect(throws: CoreError.badRequest("given key has already been provided during this rotation")) {
            try rotation.add([1], nonce: "n", threshold: 2)
        }
        #expect(try rotation.add([2], nonce: "n", threshold: 2) == .tryKey([[1], [2]]))
        // Still open with no shares: a wrong quorum can be followed by the right one.
        #expect(rotation.attempt?.provided.isEmpty == true)
        rotation.finish()
        #expect(rotation.attempt == nil)
    }

    @Test("a pending key takes no more current shares; its verification has its own nonce, and restarting it changes the nonce")
    func verification() throws {
        var rotation = RootRotation()
        try rotation.start(nonce: "n", shares: 2, threshold: 2, requireVerification: true)
        #expect(throws: CoreError.badRequest("no rotation in progress")) { try rotation.addVerification([7], nonce: "v") }
        rotation.awaitVerification(of: [9, 9], nonce: "v")
        #expect(throws: CoreError.self) { try rotation.add([1], nonce: "n", threshold: 1) }
        #expect(throws: CoreError.badRequest("incorrect nonce supplied; nonce for this verify operation is \"v\"")) {
            try rotation.addVerification([7], nonce: "n")
        }
        #expect(try rotation.addVerification([7], nonce: "v") == .needMore(progress: 1))
        rotation.restartVerification(nonce: "w")
        #expect(rotation.attempt?.pending?.provided.isEmpty == true)
        #expect(throws: CoreError.self) { try rotation.addVerification([7], nonce: "v") }
        #expect(try rotation.addVerification([7], nonce: "w") == .needMore(progress: 1))
        #expect(try rotation.addVerification([8], nonce: "w") == .tryKey([[7], [8]]))
        #expect(rotation.attempt?.pending?.rootKey == [9, 9])
    }
}
