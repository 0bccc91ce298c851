import Foundation

/// The job a token is minted for: who, which project, which contexts, which commit.
/// Ids left out are generated, as CircleCI would have them for a fresh job.
package struct CircleCIJob: Sendable, Equatable {
    package var orgID: String
    package var projectID: String
    package var userID: String
    package var contextIDs: [String]
    /// `github.com/acme/app` (no scheme); nil with `vcsRef` nil for webhook pipelines.
    package var vcsOrigin: String?
    /// `refs/heads/main`, `refs/tags/v1.0`.
    package var vcsRef: String?
    package var sshRerun: Bool
    package var pipelineID: String
    package var pipelineDefinitionID: String
    package var workflowID: String
    package var jobID: String

    package init(
        orgID: String, projectID: String, userID: String? = nil, contextIDs: [String] = [],
        vcsOrigin: String? = nil, vcsRef: String? = nil, sshRerun: Bool = false,
        pipelineID: String? = nil, pipelineDefinitionID: String? = nil, workflowID: String? = nil, jobID: String? = nil
    ) {
        self.orgID = orgID
        self.projectID = projectID
        self.userID = userID ?? Self.newID()
        self.contextIDs = contextIDs
        self.vcsOrigin = vcsOrigin
        self.vcsRef = vcsRef
        self.sshRerun = sshRerun
        self.pipelineID = pipelineID ?? Self.newID()
        self.pipelineDefinitionID = pipelineDefinitionID ?? Self.newID()
        self.workflowID = workflowID ?? Self.newID()
        self.jobID = jobID ?? Self.newID()
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    /// CircleCI ids are lower-case hyphenated UUIDs; anything else is refused early.
    package static func isValidID(_ text: String) -> Bool {
        guard text.count == 36, let uuid = UUID(uuidString: text) else { return false }
        return uuid.uuidString.lowercased() == text
    }
}
