import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/<mount>/config/client`: where the login's GetCallerIdentity goes, the
/// server-ID header it must carry, and the credentials Coffer signs its own IAM
/// lookups with (Vault's `config/client`). A write changes only the fields sent.
struct AWSClientConfig: Codable, Sendable, Equatable {
    var accessKey = ""
    /// Signs IAM lookups (`resolve_aws_unique_ids`). Never read back.
    var secretKey = ""
    var iamEndpoint = ""
    var stsEndpoint = ""
    var stsRegion = ""
    var iamServerIDHeaderValue = ""
    /// -1: the default number of retries (`defaultRetries`).
    var maxRetries: Int64 = -1

    /// Where GetCallerIdentity goes when no `sts_endpoint` is configured.
    static let defaultSTSEndpoint = "https://sts.amazonaws.com"
    static let defaultIAMEndpoint = "https://iam.amazonaws.com"
    /// What `max_retries = -1` means, as the AWS SDK's default.
    static let defaultRetries = 3
    /// A bound on retries, so a config cannot make one login wait for minutes.
    static let retryLimit: Int64 = 10

    /// What a read shows: never the secret key.
    var json: [String: JSONValue] {
        [
            "access_key": .string(accessKey),
            "endpoint": "",
            "iam_endpoint": .string(iamEndpoint),
            "sts_endpoint": .string(stsEndpoint),
            "sts_region": .string(stsRegion),
            "iam_server_id_header_value": .string(iamServerIDHeaderValue),
            "max_retries": .int(maxRetries),
            "allowed_sts_header_values": .array([]),
            "use_sts_region_from_client": false,
        ]
    }

    /// Applies a write: a field changes only when sent, as Vault's config/client.
    mutating func update(from fields: RequestFields) throws {
        if let value = try fields.string("access_key") { accessKey = value }
        if let value = try fields.string("secret_key") { secretKey = value }
        if let value = try fields.string("iam_endpoint") { iamEndpoint = try AWSQueryClient.endpointSetting(value, field: "iam_endpoint") }
        if let value = try fields.string("sts_endpoint") { stsEndpoint = try AWSQueryClient.endpointSetting(value, field: "sts_endpoint") }
        if let value = try fields.string("sts_region") { stsRegion = value }
        if let value = try fields.string("iam_server_id_header_value") { iamServerIDHeaderValue = value }
        if let value = try fields.int("max_retries") {
            guard value >= -1, value <= Self.retryLimit else {
                throw MountError.badRequest("max_retries must be between -1 and \(Self.retryLimit)")
            }
            maxRetries = value
        }
        if accessKey.isEmpty != secretKey.isEmpty {
            throw MountError.badRequest("both access_key and secret_key must be set, or neither")
        }
    }

    /// The STS endpoint a login forwards to.
    var effectiveSTSEndpoint: String { stsEndpoint.isEmpty ? Self.defaultSTSEndpoint : stsEndpoint }
    var effectiveIAMEndpoint: String { iamEndpoint.isEmpty ? Self.defaultIAMEndpoint : iamEndpoint }
    /// How many times a failed STS call is tried again.
    var retries: Int { maxRetries < 0 ? Self.defaultRetries : Int(clamping: maxRetries) }
}
