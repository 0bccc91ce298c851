import Foundation
import JWTKit

/// The payload of a CircleCI OIDC token (spec/circleci-oidc.md §5): flat keys, the
/// custom ones with dots and slashes in their names.
package struct CircleCIClaims: JWTPayload, Equatable {
    package enum SubjectFormat: String, Sendable { case v1, v2 }

    package var iss: String
    package var sub: String
    package var aud: String
    package var iat: Int64
    package var exp: Int64
    package var orgID: String
    package var projectID: String
    package var contextIDs: [String]
    package var vcsOrigin: String?
    package var vcsRef: String?
    package var sshRerun: Bool
    package var pipelineID: String
    package var pipelineDefinitionID: String
    package var workflowID: String
    package var jobID: String

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, iat, exp
        case orgID = "oidc.circleci.com/org-id"
        case projectID = "oidc.circleci.com/project-id"
        case contextIDs = "oidc.circleci.com/context-ids"
        case vcsOrigin = "oidc.circleci.com/vcs-origin"
        case vcsRef = "oidc.circleci.com/vcs-ref"
        case sshRerun = "oidc.circleci.com/ssh-rerun"
        case pipelineID = "oidc.circleci.com/pipeline-id"
        case pipelineDefinitionID = "oidc.circleci.com/pipeline-definition-id"
        case workflowID = "oidc.circleci.com/workflow-id"
        case jobID = "oidc.circleci.com/job-id"
    }

    /// Every claim name this issuer emits, for the discovery document.
    package static let claimNames: [String] =
        ["sub", "aud", "exp", "iat", "iss"]
        + [
            CodingKeys.orgID, .projectID, .contextIDs, .vcsOrigin, .vcsRef, .sshRerun,
            .pipelineID, .pipelineDefinitionID, .workflowID, .jobID,
        ].map(\.rawValue)

    /// The claims for `job`, issued by `issuer` now, valid for `ttl` seconds.
    package init(job: CircleCIJob, issuer: String, audience: String?, subject: SubjectFormat, issuedAt: Date, ttl: Int64) {
        iss = issuer
        aud = audience ?? job.orgID
        iat = Int64(issuedAt.timeIntervalSince1970)
        exp = iat + ttl
        orgID = job.orgID
        projectID = job.projectID
        contextIDs = job.contextIDs
        vcsOrigin = job.vcsOrigin
        vcsRef = job.vcsRef
        sshRerun = job.sshRerun
        pipelineID = job.pipelineID
        pipelineDefinitionID = job.pipelineDefinitionID
        workflowID = job.workflowID
        jobID = job.jobID
        sub = Self.subject(job, format: subject)
    }

    /// `org/<org>/project/<project>/user/<user>`, and for v2 the VCS origin and ref
    /// after it, unless the pipeline came from a webhook (no VCS claims).
    static func subject(_ job: CircleCIJob, format: SubjectFormat) -> String {
        let v1 = "org/\(job.orgID)/project/\(job.projectID)/user/\(job.userID)"
        guard format == .v2, let origin = job.vcsOrigin, let ref = job.vcsRef else { return v1 }
        return v1 + "/vcs-origin/\(origin)/vcs-ref/\(ref)"
    }

    /// This issuer only signs; verifying is the relying party's job.
    package func verify(using algorithm: some JWTAlgorithm) async throws {}
}
