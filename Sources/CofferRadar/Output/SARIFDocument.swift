/// SARIF 2.1.0 object model: only the parts radar writes (spec §13).
enum SARIF {
    struct Log: Encodable {
        let schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
        let version = "2.1.0"
        let runs: [Run]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema", version, runs
        }
    }

    struct Run: Encodable {
        let tool: Tool
        let originalUriBaseIds: [String: ArtifactLocation]
        let invocations: [Invocation]
        let versionControlProvenance: [VersionControl]?
        let results: [Result]
    }

    struct Tool: Encodable { let driver: Driver }

    struct Driver: Encodable {
        let name: String
        let semanticVersion: String
        let informationUri: String
        let rules: [ReportingDescriptor]
    }

    struct ReportingDescriptor: Encodable {
        let id: String
        let name: String
        let shortDescription: Message
        let fullDescription: Message
        let help: Help
        let defaultConfiguration: Configuration
        let properties: RuleProperties
    }

    struct Message: Encodable { let text: String }
    struct Help: Encodable {
        let text: String
        let markdown: String
    }
    struct Configuration: Encodable { let level: String }

    struct RuleProperties: Encodable {
        let tags: [String]
        let securitySeverity: String
        enum CodingKeys: String, CodingKey {
            case tags
            case securitySeverity = "security-severity"
        }
    }

    struct Invocation: Encodable {
        let executionSuccessful: Bool
        let toolExecutionNotifications: [Notification]?
    }

    struct Notification: Encodable {
        let level: String
        let message: Message
    }

    struct VersionControl: Encodable {
        let repositoryUri: String
        let revisionId: String?
        let branch: String?
    }

    struct Result: Encodable {
        let ruleId: String
        let ruleIndex: Int
        let level: String
        let message: Message
        let locations: [Location]
        let partialFingerprints: [String: String]
        let suppressions: [Suppression]?
        let properties: ResultProperties
    }

    struct Location: Encodable { let physicalLocation: PhysicalLocation }

    struct PhysicalLocation: Encodable {
        let artifactLocation: ArtifactLocation
        let region: Region
    }

    struct ArtifactLocation: Encodable {
        let uri: String
        let uriBaseId: String?
    }

    struct Region: Encodable {
        let startLine: Int
        let startColumn: Int
        let endLine: Int
        let endColumn: Int
        let snippet: Message?
    }

    struct Suppression: Encodable {
        let kind: String
        let justification: String?
    }

    struct ResultProperties: Encodable {
        let severity: String
        let inHead: Bool
        let commit: String?
        let yamlPath: String?
        let cofferPath: String?
        let tags: [String]
        enum CodingKeys: String, CodingKey {
            case severity, commit, tags
            case inHead = "in_head", yamlPath = "yaml_path", cofferPath = "coffer_path"
        }
    }
}
