import CofferEncoding
import CofferMountKit
import Foundation

extension AWSSecretsMount {
    func readRootConfig() async throws -> MountResponse {
        guard let config = try await loadRootConfig() else { throw MountError.notFound }
        return MountResponse(data: config.json)
    }

    /// Stores the root config; the keys are checked by their first use (as
    /// Vault: this write does not call AWS).
    func writeRootConfig(_ request: MountRequest) async throws -> MountResponse {
        try await rootLock.withLock("root") {
            var config = try await loadRootConfig() ?? AWSRootConfig()
            try config.update(from: request.fields)
            try await storage.putJSON("config/root", config)
        }
        return .noContent
    }

    func readLeaseConfig() async throws -> MountResponse {
        guard let lease = try await loadLeaseConfig() else { throw MountError.notFound }
        return MountResponse(data: lease.json)
    }

    func writeLeaseConfig(_ request: MountRequest) async throws -> MountResponse {
        try await storage.putJSON("config/lease", try AWSLeaseConfig(from: request.fields))
        return .noContent
    }

    /// `config/rotate-root`: a new access key for the root user, made through
    /// IAM with the old one and stored, then the old key deleted with the new
    /// one. The key is stored before the old one goes, so a failure in between
    /// leaves Coffer with a key that works (and the old one, to delete by hand
    /// or by the next rotation).
    func rotateRoot() async throws -> MountResponse {
        try await rootLock.withLock("root") {
            var config = try await requireRootConfig()
            let old = config.accessKey
            let iam = config.iam(client(config))
            let user: String
            let made: (id: String, secret: String)
            do throws(AWSAPIClient.Failure) {
                let me = try await iam.call("GetUser")
                guard let name = AWSQueryAnswer.value("UserName", under: "User", in: me) else {
                    throw AWSAPIClient.Failure(description: "IAM GetUser answered without a user name")
                }
                user = name
                let body = try await iam.call("CreateAccessKey", [("UserName", name)])
                guard let id = AWSQueryAnswer.value("AccessKeyId", under: "AccessKey", in: body),
                    let secret = AWSQueryAnswer.value("SecretAccessKey", under: "AccessKey", in: body)
                else { throw AWSAPIClient.Failure(description: "IAM CreateAccessKey answered without a key") }
                made = (id, secret)
            } catch {
                throw Self.failed("error rotating the root key", error)
            }
            config.accessKey = made.id
            config.secretKey = made.secret
            try await storage.putJSON("config/root", config)
            do throws(AWSAPIClient.Failure) {
                _ = try await config.iam(client(config)).call("DeleteAccessKey", [("UserName", user), ("AccessKeyId", old)])
            } catch {
                throw Self.failed("the new root key is stored, but deleting the old one failed", error)
            }
            return MountResponse(data: ["access_key": .string(made.id)])
        }
    }
}
