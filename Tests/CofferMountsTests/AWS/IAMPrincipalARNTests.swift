import Testing

@testable import CofferMounts

/// The ARN STS answers, read as Vault reads it: an assumed role stands for its
/// role, and the path is dropped from the canonical form.
@Suite struct IAMPrincipalARNTests {
    @Test("an assumed-role session maps to its role's ARN")
    func assumedRole() throws {
        let arn = try IAMPrincipalARN(parsing: "arn:aws:sts::123456789012:assumed-role/ci-runner/job-42")
        #expect(arn.canonical == "arn:aws:iam::123456789012:role/ci-runner")
        #expect(arn.friendlyName == "ci-runner" && arn.sessionName == "job-42" && arn.isRole && arn.account == "123456789012")
    }

    @Test("a user with a path keeps its name and drops the path from the canonical ARN")
    func userWithPath() throws {
        let arn = try IAMPrincipalARN(parsing: "arn:aws-us-gov:iam::123456789012:user/ci/runners/builder")
        #expect(arn.path == "ci/runners" && arn.friendlyName == "builder" && !arn.isRole)
        #expect(arn.canonical == "arn:aws-us-gov:iam::123456789012:user/builder")
    }

    @Test(
        "ARNs Vault does not read are refused",
        arguments: [
            "", "arn:aws:iam::1:user", "arn:aws:s3:::bucket/key", "nra:aws:iam::1:user/x", "arn:aws:iam::1:group/x",
            "arn:aws:sts::1:assumed-role/only-role", "arn:aws:iam::1:user/x:extra",
        ])
    func refused(arn: String) {
        #expect(throws: IAMPrincipalARN.Refusal.self) { try IAMPrincipalARN(parsing: arn) }
    }
}
