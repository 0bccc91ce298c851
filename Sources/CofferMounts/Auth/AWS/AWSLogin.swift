import CofferMountKit
import Foundation

/// `auth/<mount>/login` with `auth_type=iam`: the forwarded request's checks,
/// STS's word on who signed it, then the role's bindings, decided into a
/// `LoginDecision` that lists each check. A request that fails a local check
/// never reaches STS. Decides what token to mint; mints nothing.
struct AWSLogin {
    let config: AWSClientConfig
    let request: IAMLoginRequest
    /// The role the login named; nil when it named none (the principal's name picks it).
    let namedRole: (name: String, role: AWSRole)?
    let roleNamed: @Sendable (String) async throws -> AWSRole?
    let client: AWSAPIClient

    /// The decision, and the role it was made for (empty when none was found).
    func decide(clientAddress: String?, mountPath: String, explaining: Bool = true) async throws -> (
        decision: LoginDecision<AWSLoginFailure>, role: String
    ) {
        var roleName = namedRole?.name ?? ""
        let decision = try await LoginDecision<AWSLoginFailure>.run(explaining: explaining) { log in
            try IAMRequestChecks(request: request, config: config).run(&log)
            let caller = try await callerIdentity(&log)
            let principal = try parsedARN(caller.arn, &log)
            let (name, role) = try await boundRole(for: principal, &log)
            roleName = name
            guard role.authType == "iam" else {
                try log.fail("auth_type", expected: "iam", actual: role.authType, .authType(role: name))
            }
            try checkClientAddress(role, clientAddress, &log)
            try await checkPrincipal(role, name, caller, principal, &log)
            try checkAccount(role, name, caller, &log)
            return auth(role, name, caller, principal, mountPath: mountPath)
        }
        return (decision, roleName)
    }

    /// Sends the request to the configured STS endpoint (never to the host the
    /// client's URL names), with the Host the client signed for.
    private func callerIdentity(_ log: inout AWSLoginChecks) async throws -> AWSQueryAnswer.CallerIdentity {
        let endpoint = config.effectiveSTSEndpoint
        let expected = "STS at \(endpoint) confirms the signature"
        // Hop-by-hop and framing headers are the sender's to set, not the client's.
        let dropped: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "expect", "keep-alive", "upgrade"]
        let headers = request.headers.filter { !dropped.contains($0.name.lowercased()) }.map { ($0.name, $0.value) }
        let answer: AWSAPIClient.Answer
        do throws(AWSAPIClient.Failure) {
            answer = try await client.post(
                endpoint: endpoint, host: request.signedHost, headers: headers, body: request.body, what: "GetCallerIdentity")
        } catch {
            try log.fail("sts_get_caller_identity", expected: expected, actual: error.description, .upstream(error.description))
        }
        guard answer.status == 200 else {
            let reason = "received error code \(answer.status) from STS: \(AWSQueryAnswer.errorSummary(answer.body))"
            try log.fail("sts_get_caller_identity", expected: expected, actual: reason, .upstream(reason))
        }
        guard let caller = AWSQueryAnswer.callerIdentity(answer.body) else {
            try log.fail(
                "sts_get_caller_identity", expected: expected, actual: "an answer without a caller identity",
                .upstream("error parsing STS response"))
        }
        log.pass("sts_get_caller_identity", expected: expected, actual: caller.arn)
        return caller
    }

    private func parsedARN(_ arn: String, _ log: inout AWSLoginChecks) throws -> IAMPrincipalARN {
        do throws(IAMPrincipalARN.Refusal) {
            return try IAMPrincipalARN(parsing: arn)
        } catch {
            try log.fail(
                "caller_arn", expected: "an IAM user, role or assumed-role ARN", actual: arn, .arn(arn: arn, reason: error.description))
        }
    }

    private func boundRole(for principal: IAMPrincipalARN, _ log: inout AWSLoginChecks) async throws -> (String, AWSRole) {
        if let namedRole { return namedRole }
        // No role named: the principal's own name is the role's, as in Vault.
        let name = principal.friendlyName.lowercased()
        guard let role = try await roleNamed(name) else {
            try log.fail("role", expected: "a role named after the principal", actual: name, .noRole(name))
        }
        log.pass("role", expected: "a role named after the principal", actual: name)
        return (name, role)
    }

    /// The role's `token_bound_cidrs` apply to the login itself (a 403).
    private func checkClientAddress(_ role: AWSRole, _ address: String?, _ log: inout AWSLoginChecks) throws {
        let cidrs = role.token.boundCIDRs
        guard !cidrs.isEmpty else { return log.skip("bound_cidrs") }
        let expected = "an address in \(cidrs.joined(separator: ", "))"
        guard CIDRBlock.anyContains(cidrs, address) else {
            try log.fail("bound_cidrs", expected: expected, actual: address ?? "unknown", .boundCIDRs)
        }
        log.pass("bound_cidrs", expected: expected, actual: address ?? "unknown")
    }

    /// Vault's three ways in: the caller's unique ID is one the role resolved;
    /// or, without resolution, its canonical ARN is bound exactly; or its ARN
    /// matches a glob (the full ARN, with its path, when IAM can be asked).
    private func checkPrincipal(
        _ role: AWSRole, _ name: String, _ caller: AWSQueryAnswer.CallerIdentity, _ principal: IAMPrincipalARN,
        _ log: inout AWSLoginChecks
    ) async throws {
        let check = "bound_iam_principal_arn"
        let expected = "one of \(role.boundIAMPrincipalARNs)"
        let uniqueID = String(caller.userID.split(separator: ":", maxSplits: 1).first ?? "")
        if !uniqueID.isEmpty, role.boundIAMPrincipalIDs.contains(uniqueID) {
            return log.pass(check, expected: expected, actual: "\(principal.canonical) (unique ID \(uniqueID))")
        }
        if !role.resolveAWSUniqueIDs, role.exactARNs.contains(principal.canonical) {
            return log.pass(check, expected: expected, actual: principal.canonical)
        }
        let globs = role.boundIAMPrincipalARNs.filter { $0.contains("*") }.map(GlobPattern.init)
        if globs.contains(where: { $0.matches(principal.canonical) }) {
            return log.pass(check, expected: expected, actual: principal.canonical)
        }
        if !globs.isEmpty, !config.accessKey.isEmpty,
            let full = try? await IAMLookup(config: config, client: client).entity(principal).arn,
            globs.contains(where: { $0.matches(full) })
        {
            return log.pass(check, expected: expected, actual: full)
        }
        try log.fail(check, expected: expected, actual: principal.canonical, .principal(arn: caller.arn, role: name))
    }

    private func checkAccount(_ role: AWSRole, _ name: String, _ caller: AWSQueryAnswer.CallerIdentity, _ log: inout AWSLoginChecks)
        throws
    {
        guard !role.boundAccountIDs.isEmpty else { return log.skip("bound_account_id") }
        let expected = "one of \(role.boundAccountIDs)"
        guard role.boundAccountIDs.contains(caller.account) else {
            try log.fail("bound_account_id", expected: expected, actual: caller.account, .account(account: caller.account, role: name))
        }
        log.pass("bound_account_id", expected: expected, actual: caller.account)
    }

    /// The token to mint: the role's policies and settings, Vault's metadata,
    /// and its default alias (the role's ID) with its default alias metadata.
    private func auth(
        _ role: AWSRole, _ name: String, _ caller: AWSQueryAnswer.CallerIdentity, _ principal: IAMPrincipalARN, mountPath: String
    ) -> MountAuth {
        let mountName = mountPath.hasPrefix("auth/") ? String(mountPath.dropFirst(5)) : mountPath
        let uniqueID = String(caller.userID.split(separator: ":", maxSplits: 1).first ?? "")
        return MountAuth(
            policies: role.token.policies,
            displayName: mountName.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "-")
                + principal.friendlyName,
            metadata: [
                "client_arn": caller.arn,
                "canonical_arn": principal.canonical,
                "client_user_id": uniqueID,
                "auth_type": "iam",
                "inferred_entity_type": "",
                "inferred_entity_id": "",
                "inferred_aws_region": "",
                "account_id": principal.account,
                "role_id": role.roleID,
                "role": name,
            ],
            tokenSettings: role.token,
            aliasName: role.roleID,
            aliasMetadata: ["account_id": principal.account, "auth_type": "iam"]
        )
    }
}
