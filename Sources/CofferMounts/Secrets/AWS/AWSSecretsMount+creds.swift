import CofferEncoding
import CofferMountKit
import Foundation

extension AWSSecretsMount {
    /// A user being made, recorded before CreateUser (Vault's WAL entry).
    struct HalfMadeUser: Codable, Sendable {
        let username: String
        /// Unix seconds when the creation began.
        let since: Int64
    }

    static func halfMadeKey(_ username: String) -> String { "wal/user/" + username }

    /// `creds/<role>` and `sts/<role>` (read or write, as Vault): credentials
    /// of the role's type.
    func credentials(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        guard let role = try await loadRole(name) else { throw MountError.badRequest("Role \"\(name)\" not found") }
        let config = try await requireRootConfig()
        let asked = try request.fields.duration("ttl")
        guard role.credentialType.isSTS else { return try await iamUser(request, name, role, config, asked) }
        let seconds = try STSLifetime.seconds(asked: asked, role: role, roleName: name, mountMaxTTL: request.leaseLimits.maxTTL)
        return try await stsCredentials(request, name, role, config, seconds)
    }

    /// A new IAM user with the role's rights and one access key, leased.
    private func iamUser(_ request: MountRequest, _ name: String, _ role: AWSSecretsRole, _ config: AWSRootConfig, _ asked: Int64?)
        async throws -> MountResponse
    {
        let now = clock()
        let username = try IAMUserName.user(template: config.usernameTemplate, displayName: request.displayName, roleName: name, now: now)
        let leaseConfig = try await loadLeaseConfig()
        let ttl = request.leaseLimits.ttl(
            increment: asked ?? 0, backendTTL: leaseConfig?.lease ?? 0, backendMaxTTL: leaseConfig?.leaseMax ?? 0, now: now)
        let since = Int64(saturating: now.timeIntervalSince1970)
        try await storage.putJSON(Self.halfMadeKey(username), HalfMadeUser(username: username, since: since))
        let made: IAMUsers.Made
        do throws(IAMUsers.StepFailure) {
            made = try await IAMUsers(iam: config.iam(client(config))).make(username, role: role, roleName: name)
        } catch {
            if !error.userMayExist { try await storage.delete(Self.halfMadeKey(username)) }
            throw Self.failed(Self.stepText[error.step] ?? "Error calling IAM", error.failure)
        }
        try await storage.delete(Self.halfMadeKey(username))

        var response = MountResponse(data: [
            "access_key": .string(made.accessKeyID), "secret_key": .string(made.secretAccessKey), "security_token": .null,
            "session_token": .null, "arn": .string(made.arn),
        ])
        response.lease = MountLease(
            ttl: ttl, maxTTL: leaseConfig?.leaseMax ?? 0, renewable: true,
            internalData: ["username": .string(username), "role": .string(name), "is_sts": false, "created": .int(since)])
        return response
    }

    /// How each creation step's failure begins, in Vault's words.
    static let stepText: [String: String] = [
        "CreateUser": "Error creating IAM user", "AttachUserPolicy": "Error attaching user policy",
        "PutUserPolicy": "Error putting user policy", "AddUserToGroup": "Error adding user to group",
        "TagUser": "Error adding tags to user", "CreateAccessKey": "Error creating access keys",
    ]

    /// Removes a lease's IAM user: its keys, policies, group memberships and
    /// the user. STS credentials have nothing to revoke (as Vault). A failure
    /// is thrown for the core to try again later, with backoff, and at last
    /// to list the lease as irrevocable.
    package func revoke(_ lease: MountLease, storage: StorageView) async throws {
        if case .bool(true)? = lease.internalData["is_sts"] { return }
        guard case .string(let username)? = lease.internalData["username"] else {
            throw MountError.internal("secret is missing username internal data")
        }
        let config = try await requireRootConfig()
        // Right after it was made IAM may not show a user yet: "no such user"
        // then means "try again", not "already gone".
        var made = Date.distantPast
        if case .int(let since)? = lease.internalData["created"] { made = Date(timeIntervalSince1970: TimeInterval(since)) }
        let settled = clock().timeIntervalSince(made) > Self.sweepAge
        do throws(IAMUsers.StepFailure) {
            try await IAMUsers(iam: config.iam(client(config))).remove(username, missingIsDone: settled)
        } catch {
            throw Self.failed("error removing IAM user \(username) (\(error.step))", error.failure)
        }
    }

    /// Removes the users whose creation was cut short (no answer from IAM, a
    /// crash, a removal that failed) once their record is old enough that
    /// no creation is still under way.
    func sweepHalfMadeUsers() async {
        guard let names = try? await storage.list("wal/user/"), !names.isEmpty, let config = try? await loadRootConfig() else { return }
        let now = clock().timeIntervalSince1970
        for name in names where !name.hasSuffix("/") {
            guard let record = try? await storage.getJSON(HalfMadeUser.self, Self.halfMadeKey(name)),
                now - TimeInterval(record.since) > Self.sweepAge
            else { continue }
            do throws(IAMUsers.StepFailure) {
                try await IAMUsers(iam: config.iam(client(config))).remove(record.username, missingIsDone: true)
                try? await storage.delete(Self.halfMadeKey(name))
            } catch {
                continue
            }
        }
    }
}
