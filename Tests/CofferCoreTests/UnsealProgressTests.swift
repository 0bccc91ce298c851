import Testing

@testable import CofferCore

/// The unseal state machine: operators hand in shares one by one, from several
/// terminals, and sometimes the same share twice.
@Suite struct UnsealProgressTests {
    @Test("shares below the threshold ask for more; the threshold hands over every share collected")
    func threshold() {
        var progress = UnsealProgress()
        #expect(progress.add([1], threshold: 3) == .needMore)
        #expect(progress.add([2], threshold: 3) == .needMore)
        #expect(progress.count == 2)
        #expect(progress.add([3], threshold: 3) == .tryKey([[1], [2], [3]]))
        // The attempt starts over: a wrong key must not leave shares behind.
        #expect(progress.count == 0)
        #expect(progress.nonce.isEmpty)
    }

    @Test("a share given twice counts once")
    func duplicates() {
        var progress = UnsealProgress()
        #expect(progress.add([7, 7], threshold: 2) == .needMore)
        #expect(progress.add([7, 7], threshold: 2) == .needMore)
        #expect(progress.count == 1)
        #expect(progress.add([8], threshold: 2) == .tryKey([[7, 7], [8]]))
    }

    @Test("an attempt has one nonce from its first share until it ends or is reset")
    func nonce() {
        var progress = UnsealProgress()
        _ = progress.add([1], threshold: 3)
        let first = progress.nonce
        #expect(!first.isEmpty)
        _ = progress.add([2], threshold: 3)
        #expect(progress.nonce == first)
        progress.reset()
        #expect(progress.nonce.isEmpty && progress.count == 0)
        _ = progress.add([1], threshold: 3)
        #expect(progress.nonce != first)
    }
}
