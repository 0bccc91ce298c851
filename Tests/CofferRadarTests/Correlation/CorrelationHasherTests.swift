import Foundation
import Testing

@testable import CofferRadar

/// The slow keyed hash of spec §11: same value and key give the same hash on both sides,
/// another key or value gives another, hostile cost parameters are refused, and a match
/// makes a finding critical (live) or tags it (an old version).
@Suite struct CorrelationHasherTests {
    static let cheap = CorrelationHasher.Parameters(rounds: 1 << 10, blockSize: 8, parallelism: 1)

    @Test func theHashDependsOnValueAndKeyAndIgnoresSurroundingQuotes() throws {
        let value = Samples.githubToken(seed: 30)
        let hasher = try #require(CorrelationHasher(hashKey: ScanHarness.key, parameters: Self.cheap))
        let other = try #require(CorrelationHasher(hashKey: .random(), parameters: Self.cheap))
        let hash = try #require(hasher.hash(Array(value.utf8)))
        #expect(hash.count == 64)
        // Hashes computed first: a failed expectation prints its operands, never the value then.
        let quoted = hasher.hash(Array("\"\(value)\"".utf8))
        let otherKey = other.hash(Array(value.utf8))
        let otherValue = hasher.hash(Array((value + "x").utf8))
        let fast = ScanHarness.key.valueHash(Array(value.utf8))
        let batched = hasher.hashAll([Array(value.utf8), Array("other".utf8)]).first ?? nil
        #expect(quoted == hash)
        #expect(otherKey != hash)
        #expect(otherValue != hash)
        #expect(fast != hash)  // not the fast value hash
        #expect(batched == hash)
    }

    @Test(arguments: [
        CorrelationHasher.Parameters(rounds: 1 << 24, blockSize: 8, parallelism: 1),
        CorrelationHasher.Parameters(rounds: 1000, blockSize: 8, parallelism: 1),
        CorrelationHasher.Parameters(rounds: 1 << 14, blockSize: 0, parallelism: 1),
        CorrelationHasher.Parameters(rounds: 1 << 14, blockSize: 8, parallelism: 64),
        CorrelationHasher.Parameters(rounds: 1 << 20, blockSize: 32, parallelism: 4),
    ])
    func costsAServerMustNotImposeAreRefused(parameters: CorrelationHasher.Parameters) {
        #expect(CorrelationHasher(hashKey: ScanHarness.key, parameters: parameters) == nil)
    }

    @Test func findingsCarryTheHashAndAMatchRanksThem() throws {
        let first = Samples.githubToken(seed: 31)
        let second = Samples.githubToken(seed: 32)
        let hasher = try #require(CorrelationHasher(hashKey: ScanHarness.key, parameters: Self.cheap))
        let scanner = try ScanHarness.scanner { $0.correlationHasher = hasher }
        var report = scanner.scan(.bytes(label: "a.env", content: Array("A=\(first)\nB=\(second)\n".utf8)))
        #expect(report.findings.count == 2)
        #expect(report.correlationHashes.count == 2)
        let live = try #require(hasher.hash(Array(first.utf8)))
        let old = try #require(hasher.hash(Array(second.utf8)))
        report.applyCorrelation([
            live: CofferSecretRef(mount: "secret/", path: "ci/app", field: "token", version: 3, state: "current"),
            old: CofferSecretRef(mount: "secret/", path: "ci/app", field: "token", version: 2, state: "old"),
        ])
        let top = report.findings[0]
        #expect(top.severity == .critical && top.coffer?.version == 3 && top.tags.contains("live-in-coffer"))
        #expect(report.findings[1].tags.contains("rotated-in-coffer") && report.findings[1].severity != .critical)
        let json = String(decoding: JSONReportRenderer().render(report), as: UTF8.self)
        #expect(json.contains("\"coffer\""))
        #expect(!json.contains(live) && !json.contains(old))  // the correlation hash is never written out
    }
}
