import CofferEncoding
import CofferMountKit
import Foundation

/// `aws/config/root`: the IAM key Coffer makes users and asks STS with, where
/// IAM and STS are, and how names are made (Vault's `config/root`). A write
/// changes only the fields sent; the secret key is never read back.
struct AWSRootConfig: Codable, Sendable, Equatable {
    var accessKey = ""
    var secretKey = ""
    var region = ""
    var iamEndpoint = ""
    var stsEndpoint = ""
    /// -1: the default number of retries (`AWSClientConfig.defaultRetries`).
    var maxRetries: Int64 = -1
    var usernameTemplate = ""

    static let defaultRegion = "us-east-1"

    /// What a read shows: never the secret key.
    var json: [String: JSONValue] {
        [
            "access_key": .string(accessKey),
            "region": .string(region),
            "iam_endpoint": .string(iamEndpoint),
            "sts_endpoint": .string(stsEndpoint),
            "max_retries": .int(maxRetries),
            "username_template": .string(usernameTemplate),
        ]
    }

    /// Applies a write: a field changes only when sent. A template that does
    /// not parse is refused here, not at the first credential.
    mutating func update(from fields: RequestFields) throws {
        if let value = try fields.string("access_key") { accessKey = value }
        if let value = try fields.string("secret_key") { secretKey = value }
        if let value = try fields.string("region") { region = value }
        if let value = try fields.string("iam_endpoint") { iamEndpoint = try AWSQueryClient.endpointSetting(value, field: "iam_endpoint") }
        if let value = try fields.string("sts_endpoint") { stsEndpoint = try AWSQueryClient.endpointSetting(value, field: "sts_endpoint") }
        if let value = try fields.int("max_retries") {
            guard value >= -1, value <= AWSClientConfig.retryLimit else {
                throw MountError.badRequest("max_retries must be between -1 and \(AWSClientConfig.retryLimit)")
            }
            maxRetries = value
        }
        if let value = try fields.string("username_template") {
            _ = try IAMUserName.template(value)
            usernameTemplate = value
        }
        guard !accessKey.isEmpty, !secretKey.isEmpty else {
            throw MountError.badRequest("both access_key and secret_key must be set")
        }
    }

    var credentials: SigV4Signer.Credentials { .init(accessKeyID: accessKey, secretAccessKey: secretKey) }
    var effectiveRegion: String { region.isEmpty ? Self.defaultRegion : region }
    var retries: Int { maxRetries < 0 ? AWSClientConfig.defaultRetries : Int(clamping: maxRetries) }

    func iam(_ client: AWSAPIClient) -> AWSQueryClient {
        .iam(endpoint: iamEndpoint.isEmpty ? AWSClientConfig.defaultIAMEndpoint : iamEndpoint, credentials: credentials, client: client)
    }

    func sts(_ client: AWSAPIClient) -> AWSQueryClient {
        .sts(
            endpoint: stsEndpoint.isEmpty ? AWSClientConfig.defaultSTSEndpoint : stsEndpoint, region: effectiveRegion,
            credentials: credentials, client: client)
    }
}

/// `aws/config/lease`: the lease of an IAM user's keys, and the longest it can
/// be renewed to (Vault's `config/lease`; both required on a write).
struct AWSLeaseConfig: Codable, Sendable, Equatable {
    var lease: Int64
    var leaseMax: Int64

    /// As Vault shows them: Go duration strings (`1h0m0s`).
    var json: [String: JSONValue] {
        ["lease": .string(GoDuration.format(seconds: lease)), "lease_max": .string(GoDuration.format(seconds: leaseMax))]
    }

    init(lease: Int64, leaseMax: Int64) {
        self.lease = lease
        self.leaseMax = leaseMax
    }

    init(from fields: RequestFields) throws {
        guard let lease = try fields.duration("lease"), lease > 0 else { throw MountError.badRequest("'lease' is a required parameter") }
        guard let leaseMax = try fields.duration("lease_max"), leaseMax > 0 else {
            throw MountError.badRequest("'lease_max' is a required parameter")
        }
        guard lease <= leaseMax else { throw MountError.badRequest("'lease' must not be longer than 'lease_max'") }
        self.init(lease: lease, leaseMax: leaseMax)
    }
}
