/// One place a secret value was seen (spec §13, `locations[]`).
public struct FindingLocation: Sendable, Hashable, Codable {
    /// How the line relates to the scanned history: added or removed in a commit, or present in a tree.
    public enum Change: String, Sendable, Codable { case added, removed, present }

    /// Path relative to the scan root (or the label of stdin / the env-var listing).
    public var path: String
    public var startLine: Int
    public var startColumn: Int
    public var endLine: Int
    public var endColumn: Int
    public var commit: String? = nil
    public var author: String? = nil
    public var email: String? = nil
    public var date: String? = nil
    /// YAML path in CircleCI mode (`jobs.deploy.docker[0].auth.password`).
    public var yamlPath: String? = nil
    public var change: Change = .present
    /// The source line with the secret replaced by its redacted form.
    public var snippet: String = ""

    enum CodingKeys: String, CodingKey {
        case path, commit, author, email, date, change, snippet
        case startLine = "start_line", startColumn = "start_column", endLine = "end_line", endColumn = "end_column"
        case yamlPath = "yaml_path"
    }
}

/// Where a CircleCI finding should move to (spec §2.3, migration hint).
public struct MigrationHint: Sendable, Hashable, Codable {
    /// The env var or parameter name holding the value.
    public var name: String
    public var job: String?
    /// Contexts the job's workflow entries attach.
    public var contexts: [String]
    /// Suggested Coffer path, from the path template.
    public var cofferPath: String

    enum CodingKeys: String, CodingKey {
        case name, job, contexts
        case cofferPath = "coffer_path"
    }
}
