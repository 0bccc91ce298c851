import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// The aws secrets mount through MountKit alone, for what needs no AWS: the
/// config and role paths, refusals before any call, and revoking STS leases.
/// Calls to IAM and STS are covered end to end against moto
/// (tests/e2e/test_aws_secrets.py).
@Suite struct AWSSecretsMountTests {
    let view = StorageView(storage: PlainStorage(), prefix: "logical/aws/")
    var mount: AWSSecretsMount { AWSSecretsMount(storage: view, sweeps: false) }

    func request(_ operation: MountOperation, _ path: String, _ data: [String: JSONValue] = [:]) -> MountRequest {
        MountRequest(operation: operation, path: path, fields: RequestFields(data), storage: view, mountPath: "aws/", displayName: "token")
    }

    @Test("config/root reads back everything but the secret key")
    func rootConfig() async throws {
        _ = try await mount.handle(
            request(
                .update, "config/root", ["access_key": "AKIAROOT", "secret_key": "root-secret", "iam_endpoint": "http://127.0.0.1:5000/"]))
        let data = try #require(try await mount.handle(request(.read, "config/root")).data)
        #expect(data["access_key"] == "AKIAROOT" && data["iam_endpoint"] == "http://127.0.0.1:5000" && !data.keys.contains("secret_key"))
        #expect(!"\(data)".contains("root-secret"))
        // A partial write keeps the rest.
        _ = try await mount.handle(request(.update, "config/root", ["region": "eu-west-1"]))
        #expect(try await mount.loadRootConfig()?.secretKey == "root-secret")
        await #expect(throws: MountError.self) {
            try await mount.handle(request(.update, "config/root", ["iam_endpoint": "ftp://iam/path"]))
        }
    }

    @Test("a root config needs both keys; credentials need a root config")
    func rootKeysRequired() async throws {
        await #expect(throws: MountError.badRequest("both access_key and secret_key must be set")) {
            try await mount.handle(request(.update, "config/root", ["access_key": "AKIAONLY"]))
        }
        _ = try await mount.handle(request(.update, "roles/deploy", ["credential_type": "iam_user"]))
        let error = await #expect(throws: MountError.self) { try await mount.handle(request(.read, "creds/deploy")) }
        #expect(error?.code == .badRequest && error?.description.contains("config/root") == true)
    }

    @Test("config/lease is written as durations and read as Go durations")
    func leaseConfig() async throws {
        _ = try await mount.handle(request(.update, "config/lease", ["lease": "30m", "lease_max": 7200]))
        let data = try await mount.handle(request(.read, "config/lease")).data
        #expect(data == ["lease": "30m0s", "lease_max": "2h0m0s"])
        await #expect(throws: MountError.badRequest("'lease_max' is a required parameter")) {
            try await mount.handle(request(.update, "config/lease", ["lease": "1h"]))
        }
    }

    @Test("roles are written, read, listed and deleted; a refused write stores nothing")
    func roleLifecycle() async throws {
        _ = try await mount.handle(
            request(.update, "roles/deploy-role", ["credential_type": "assumed_role", "role_arns": ["arn:aws:iam::1:role/deploy"]]))
        let data = try #require(try await mount.handle(request(.read, "roles/deploy-role")).data)
        #expect(data["credential_type"] == "assumed_role" && data["role_arns"] == ["arn:aws:iam::1:role/deploy"])
        await #expect(throws: MountError.self) {
            try await mount.handle(request(.update, "roles/bad", ["credential_type": "iam_user", "role_arns": ["arn:aws:iam::1:role/x"]]))
        }
        #expect(try await mount.handle(request(.list, "roles")).data == ["keys": ["deploy-role"]])
        _ = try await mount.handle(request(.delete, "roles/deploy-role"))
        await #expect(throws: MountError.notFound) { try await mount.handle(request(.read, "roles/deploy-role")) }
        await #expect(throws: MountError.notFound) { try await mount.handle(request(.list, "roles")) }
    }

    @Test("an unknown role, a role ARN not allowed and a ttl over max_sts_ttl are refused before any AWS call")
    func credentialRefusals() async throws {
        // The endpoints lead nowhere: a refusal that reached AWS would fail differently.
        _ = try await mount.handle(
            request(
                .update, "config/root",
                ["access_key": "AKIAROOT", "secret_key": "s", "iam_endpoint": "http://127.0.0.1:1", "sts_endpoint": "http://127.0.0.1:1"]))
        _ = try await mount.handle(
            request(
                .update, "roles/deploy-role",
                ["credential_type": "assumed_role", "role_arns": ["arn:aws:iam::1:role/deploy"], "max_sts_ttl": "1h"]))
        await #expect(throws: MountError.badRequest("Role \"nope\" not found")) { try await mount.handle(request(.read, "creds/nope")) }
        await #expect(
            throws: MountError.badRequest("role_arn \"arn:aws:iam::1:role/admin\" not in allowed role arns for Vault role \"deploy-role\"")
        ) {
            try await mount.handle(request(.update, "sts/deploy-role", ["role_arn": "arn:aws:iam::1:role/admin"]))
        }
        await #expect(throws: MountError.badRequest("ttl of 7200s exceeds max_sts_ttl of 3600s for role \"deploy-role\"")) {
            try await mount.handle(request(.update, "sts/deploy-role", ["ttl": "2h"]))
        }
    }

    @Test("revoking an STS lease does nothing (as Vault); an IAM user's lease without its user name is an error")
    func revocation() async throws {
        try await mount.revoke(MountLease(ttl: 60, renewable: false, internalData: ["is_sts": true]), storage: view)
        await #expect(throws: MountError.self) {
            try await mount.revoke(MountLease(ttl: 60, internalData: ["is_sts": false]), storage: view)
        }
    }
}
