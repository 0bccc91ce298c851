/// Makes and removes the aws engine's IAM users through one signed IAM client,
/// by the steps `IAMUserSteps` lists.
struct IAMUsers: Sendable {
    let iam: AWSQueryClient

    /// A made user and its one access key.
    struct Made: Sendable {
        let arn: String
        let accessKeyID: String
        let secretAccessKey: String
    }

    /// A step that failed: which one, and AWS's answer or why there was none.
    struct StepFailure: Error {
        let step: String
        let failure: AWSAPIClient.Failure
        /// The user may still exist: its creation got no answer, or removing
        /// it again failed. Its record stays for the sweep.
        var userMayExist = false
    }

    /// Creates the user with everything the role gives it, then its key. A
    /// failure after CreateUser removes the user again before it is thrown, so
    /// a refused policy leaves nothing behind; when even that removal fails,
    /// the failure says so (the mount's sweep removes the user later).
    func make(_ username: String, role: AWSSecretsRole, roleName: String) async throws(StepFailure) -> Made {
        var arn = ""
        do throws(StepFailure) {
            for call in IAMUserSteps.creation(username, role: role, roleName: roleName) {
                let body = try await send(call)
                if call.action == "CreateUser" { arn = AWSQueryAnswer.value("Arn", under: "User", in: body) ?? "" }
            }
            let body = try await send(IAMUserSteps.Call("CreateAccessKey", [.init(name: "UserName", value: username)]))
            guard let id = AWSQueryAnswer.value("AccessKeyId", under: "AccessKey", in: body),
                let secret = AWSQueryAnswer.value("SecretAccessKey", under: "AccessKey", in: body)
            else {
                throw StepFailure(step: "CreateAccessKey", failure: .init(description: "IAM CreateAccessKey answered without a key"))
            }
            return Made(arn: arn, accessKeyID: id, secretAccessKey: secret)
        } catch {
            var failed = error
            if failed.step == "CreateUser" {
                // Refused: there is no user. No answer: IAM may have made it.
                failed.userMayExist = failed.failure.awsCode == nil
                throw failed
            }
            do throws(StepFailure) {
                try await remove(username, missingIsDone: true)
            } catch {
                failed.userMayExist = true
            }
            throw failed
        }
    }

    /// Removes the user and everything it has. A step that finds its thing
    /// already gone counts as done, so a removal cut short is finished by the
    /// next try. A user that does not exist at all is done when
    /// `missingIsDone`; otherwise (just made: IAM may not show it yet) the
    /// removal fails, to be tried again.
    func remove(_ username: String, missingIsDone: Bool) async throws(StepFailure) {
        var belongings = IAMUserSteps.Belongings()
        for call in IAMUserSteps.listings(username) {
            let body: [UInt8]
            do throws(StepFailure) {
                body = try await send(call)
            } catch let error where error.failure.awsCode == "NoSuchEntity" && missingIsDone {
                return
            }
            switch call.action {
            case "ListAccessKeys": belongings.accessKeyIDs = AWSQueryAnswer.values("AccessKeyId", under: "AccessKeyMetadata", in: body)
            case "ListAttachedUserPolicies":
                belongings.attachedPolicyARNs = AWSQueryAnswer.values("PolicyArn", under: "AttachedPolicies", in: body)
            case "ListUserPolicies": belongings.inlinePolicyNames = AWSQueryAnswer.values("member", under: "PolicyNames", in: body)
            default: belongings.groups = AWSQueryAnswer.values("GroupName", under: "Groups", in: body)
            }
        }
        for call in IAMUserSteps.removal(username, belongings) {
            do throws(StepFailure) {
                _ = try await send(call)
            } catch let error where error.failure.awsCode == "NoSuchEntity" {
                continue
            }
        }
    }

    private func send(_ call: IAMUserSteps.Call) async throws(StepFailure) -> [UInt8] {
        do throws(AWSAPIClient.Failure) {
            return try await iam.call(call.action, call.pairs)
        } catch {
            throw StepFailure(step: call.action, failure: error)
        }
    }
}
