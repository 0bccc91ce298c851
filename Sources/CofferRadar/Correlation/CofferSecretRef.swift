/// Where a leaked value lives in Coffer, as the correlate endpoint answers (spec §11).
public struct CofferSecretRef: Sendable, Hashable, Codable {
    /// The KV mount, with its trailing slash (`secret/`).
    public var mount: String
    /// The secret's path below the mount (`ci/payments`).
    public var path: String
    /// The key inside the secret's data (`stripe_key`).
    public var field: String
    public var version: Int
    /// `current` or `old`.
    public var state: String

    public init(mount: String, path: String, field: String, version: Int, state: String) {
        self.mount = mount
        self.path = path
        self.field = field
        self.version = version
        self.state = state
    }

    /// A match with the current version: the leaked value is the live secret.
    public var isLive: Bool { state == "current" }
}

extension ScanReport {
    /// Merges the correlate endpoint's answers (correlation hash to stored location) into
    /// the findings: a live match is critical whatever the base, an old version is tagged
    /// `rotated-in-coffer` (spec §10, step 2).
    public mutating func applyCorrelation(_ matches: [String: CofferSecretRef]) {
        for index in findings.indices {
            guard let hash = findings[index].correlationHash, let match = matches[hash] else { continue }
            findings[index].coffer = match
            if match.isLive {
                findings[index].severity = .critical
                findings[index].tags.append("live-in-coffer")
            } else {
                findings[index].tags.append("rotated-in-coffer")
            }
        }
        findings.sort(by: Finding.reportOrder)
    }

    /// Merges `correlate-last4` answers: four characters in common is a hint, never proof,
    /// so the finding is only tagged (spec §2.4, item 5).
    public mutating func applyLastFourCorrelation(_ matches: [String: CofferSecretRef]) {
        for index in findings.indices {
            guard let hash = findings[index].correlationHash, let match = matches[hash] else { continue }
            findings[index].tags.append("possible-coffer-match:\(match.mount)\(match.path)#\(match.field)")
        }
    }

    /// The distinct correlation hashes of the findings, in report order.
    public var correlationHashes: [String] {
        var seen = Set<String>()
        return findings.compactMap(\.correlationHash).filter { seen.insert($0).inserted }
    }
}
