import Foundation
import Testing

@testable import CofferRadar

/// `scan env --hash-only`: secret-looking variables of the job become hash-only findings.
@Suite struct EnvironmentScanTests {
    @Test func secretNamesAreHashedAndValuesNeverShown() throws {
        let token = Samples.githubToken(seed: 60)
        let hasher = try #require(
            CorrelationHasher(hashKey: ScanHarness.key, parameters: .init(rounds: 1 << 10, blockSize: 8, parallelism: 1)))
        let scanner = try ScanHarness.scanner { $0.correlationHasher = hasher }
        let report = scanner.scan(.environment([("GITHUB_TOKEN", token), ("HOME", "/root"), ("EMPTY_SECRET", "")]))
        #expect(report.findings.map { $0.locations[0].yamlPath } == ["GITHUB_TOKEN"])
        let finding = try #require(report.findings.first)
        let expected = hasher.hash(Array(token.utf8))
        let sameHash = finding.correlationHash == expected && finding.valueHash == ScanHarness.key.valueHash(Array(token.utf8))
        #expect(sameHash)
        let json = String(decoding: JSONReportRenderer().render(report), as: UTF8.self)
        let leaked = json.contains(token)
        #expect(!leaked)
    }
}
