import Foundation
import Testing

@testable import CofferRadar

/// The in-process pack reader gives every blob byte for byte as `git cat-file` does, deltas
/// included, and a history scan finds the same as one that reads everything through git.
@Suite struct PackObjectStoreTests {
    /// A repository whose file changes a little in every commit, packed so most versions are deltas.
    static func packedRepository() throws -> (GitRepository, [String]) {
        let repository = try GitRepository()
        var lines = (0..<300).map { "line \($0): some configuration text that changes rarely" }
        for step in 0..<25 {
            lines[(step * 37) % lines.count] = "line changed in step \(step) " + Samples.githubToken(seed: UInt64(100 + step))
            try repository.commit(
                "step \(step)",
                files: ["config/app.txt": lines.joined(separator: "\n") + "\n", "notes/\(step % 3).md": "note \(step)\n"])
        }
        try repository.run("gc", "-q", "--aggressive")
        let blobs = try repository.run("rev-list", "--objects", "--all").split(separator: "\n")
            .map { String($0.prefix { $0 != " " }) }
            .filter { (try? repository.run("cat-file", "-t", $0)) == "blob" }
        return (repository, blobs)
    }

    @Test func everyPackedBlobReadsAsGitReadsIt() throws {
        let (repository, blobs) = try Self.packedRepository()
        let store = try #require(PackObjectStore(git: GitProcess(repository: repository.path)))
        #expect(blobs.count >= 25)
        for blob in blobs {
            guard case .content(let type, let bytes)? = store.object(blob, maxSize: .max) else {
                Issue.record("blob \(blob.prefix(12)) not read from the pack")
                continue
            }
            #expect(type == PackObjectStore.blobType)
            let expected = try #require(GitProcess(repository: repository.path).capture(["cat-file", "blob", blob]))
            #expect(bytes == Array(expected), "blob \(blob.prefix(12)) differs")
        }
        let tree = try repository.run("rev-parse", "HEAD^{tree}")
        guard case .content(let type, _)? = store.object(tree, maxSize: .max) else {
            Issue.record("tree not read")
            return
        }
        #expect(type != PackObjectStore.blobType)
        #expect(store.object(String(repeating: "0", count: 40), maxSize: .max) == nil)
        #expect(store.object("not hex", maxSize: .max) == nil)
        if let first = blobs.first, case .tooLarge? = store.object(first, maxSize: 0) {
        } else {
            Issue.record("a blob over the limit is reported as too large")
        }
    }

    @Test func aHistoryScanFindsTheSameFromPacksAsThroughGit() throws {
        let (repository, _) = try Self.packedRepository()
        // A loose object too: committed after the pack was made.
        try repository.commit("after gc", files: ["late.env": "T=\(Samples.githubToken(seed: 99))\n"])
        func scan(packs: Bool) throws -> [String] {
            try ScanHarness.scanner { $0.gitReadsPacks = packs }.scan(.git(repository: repository.path)).findings
                .map { "\($0.ruleID) \($0.valueHash) \($0.path) \($0.locations.map { "\($0.commit ?? "") \($0.startLine) \($0.change)" })" }
        }
        let fromPacks = try scan(packs: true)
        #expect(fromPacks.count == 26)
        #expect(fromPacks == (try scan(packs: false)))
    }

    @Test func deltaInstructionsAreBoundsChecked() {
        let base = Array("hello world".utf8)
        // Copy 5 bytes from offset 6 ("world"), insert "!".
        let delta: [UInt8] = [0x80 | 0x01 | 0x10, 6, 5, 1, UInt8(ascii: "!")]
        #expect(PackObjectStore.apply(delta, from: 0, to: base, resultSize: 6) == Array("world!".utf8))
        #expect(PackObjectStore.apply(delta, from: 0, to: base, resultSize: 5) == nil)  // result larger than announced
        #expect(PackObjectStore.apply([0x80 | 0x01 | 0x10, 9, 5], from: 0, to: base, resultSize: 5) == nil)  // copy past the base
        #expect(PackObjectStore.apply([4, 1, 2], from: 0, to: base, resultSize: 4) == nil)  // insert past the delta
        #expect(PackObjectStore.apply([0], from: 0, to: base, resultSize: 0) == nil)  // reserved opcode
        var cursor = 0
        #expect(PackObjectStore.varint([0x80, 0x80], &cursor) == nil)
    }
}
