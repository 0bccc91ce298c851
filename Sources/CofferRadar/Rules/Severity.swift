/// How urgent a finding is, ordered from `info` (lowest) to `critical` (spec §10).
public enum Severity: Int, Sendable, Comparable, CaseIterable, Codable {
    case info = 0
    case low = 1
    case medium = 2
    case high = 3
    case critical = 4

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The lower-case name used in every output format and on the command line.
    public var name: String {
        switch self {
        case .info: "info"
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    /// Parses a `--fail-severity` style name; nil for anything else.
    public init?(name: String) {
        guard let match = Severity.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = match
    }

    /// One level down, but never below `floor` (history-only and test-file demotions stop at `low`).
    func lowered(floor: Severity = .low) -> Severity {
        let target = Severity(rawValue: rawValue - 1) ?? .info
        return Swift.max(target, Swift.min(floor, self))
    }

    /// SARIF `security-severity` score so code-scanning UIs rank findings (spec §13).
    var securitySeverityScore: String {
        switch self {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        case .info: "1.0"
        }
    }

    /// SARIF result level: error for critical/high, warning for medium, note below.
    var sarifLevel: String {
        switch self {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Severity(name: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown severity"))
        }
        self = value
    }
}
