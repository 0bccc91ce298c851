import CofferEncoding
import CofferMountKit
import Foundation

/// `aws/roles/<name>`: which kind of credential the role makes and with what
/// rights (Vault's AWS role). A write changes only the fields sent; the whole
/// role is checked before it is stored, so a refused write stores nothing.
struct AWSSecretsRole: Codable, Sendable, Equatable {
    enum CredentialType: String, Codable, Sendable, CaseIterable {
        case iamUser = "iam_user"
        case assumedRole = "assumed_role"
        case federationToken = "federation_token"
        case sessionToken = "session_token"

        /// STS hands these out, with a lifetime of their own; nothing to revoke.
        var isSTS: Bool { self != .iamUser }
    }

    var credentialType: CredentialType = .iamUser
    var policyARNs: [String] = []
    var policyDocument = ""
    var iamGroups: [String] = []
    var iamTags: [String: String] = [:]
    var permissionsBoundaryARN = ""
    var userPath = ""
    var roleARNs: [String] = []
    var defaultSTSTTL: Int64 = 0
    var maxSTSTTL: Int64 = 0
    var sessionTags: [String: String] = [:]
    var externalID = ""

    var json: [String: JSONValue] {
        [
            "credential_type": .string(credentialType.rawValue),
            "policy_arns": JSONValue(policyARNs),
            "policy_document": .string(policyDocument),
            "iam_groups": JSONValue(iamGroups),
            "iam_tags": .object(iamTags.mapValues(JSONValue.string)),
            "permissions_boundary_arn": .string(permissionsBoundaryARN),
            "user_path": .string(userPath),
            "role_arns": JSONValue(roleARNs),
            "default_sts_ttl": .int(defaultSTSTTL),
            "max_sts_ttl": .int(maxSTSTTL),
            "session_tags": .object(sessionTags.mapValues(JSONValue.string)),
            "external_id": .string(externalID),
            "mfa_serial_number": "",
        ]
    }

    /// Applies a write, then checks the role as a whole.
    mutating func update(from fields: RequestFields, creating: Bool) throws {
        if let text = try fields.string("credential_type") {
            guard let type = CredentialType(rawValue: text) else {
                let known = CredentialType.allCases.map(\.rawValue).joined(separator: ", ")
                throw MountError.badRequest("unrecognized credential_type: \"\(text)\", not one of: \(known)")
            }
            credentialType = type
        } else if creating {
            throw MountError.badRequest("did not supply credential_type")
        }
        if let list = try fields.stringList("policy_arns") { policyARNs = list }
        if let document = try fields.string("policy_document") { policyDocument = try Self.compacted(document) }
        if let list = try fields.stringList("iam_groups") { iamGroups = list }
        if let tags = try Self.pairs(fields, "iam_tags") { iamTags = tags }
        if let arn = try fields.string("permissions_boundary_arn") { permissionsBoundaryARN = arn }
        if let path = try fields.string("user_path") { userPath = path }
        if let list = try fields.stringList("role_arns") { roleARNs = list }
        if let ttl = try fields.duration("default_sts_ttl") { defaultSTSTTL = ttl }
        if let ttl = try fields.duration("max_sts_ttl") { maxSTSTTL = ttl }
        if let tags = try Self.pairs(fields, "session_tags") { sessionTags = tags }
        if let id = try fields.string("external_id") { externalID = id }
        try validate()
    }

    /// The checks Vault makes: each field only with the credential types that
    /// use it, well-formed ARNs and paths, and TTLs that make sense together.
    func validate() throws {
        let type = credentialType.rawValue
        func only(_ field: String, _ set: Bool, _ allowed: Set<CredentialType>) throws {
            guard set, !allowed.contains(credentialType) else { return }
            let names = CredentialType.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            throw MountError.badRequest("\(field) is only valid with credential_type \(names), not \(type)")
        }
        try only("role_arns", !roleARNs.isEmpty, [.assumedRole])
        try only("policy_arns", !policyARNs.isEmpty, [.iamUser, .assumedRole, .federationToken])
        try only("policy_document", !policyDocument.isEmpty, [.iamUser, .assumedRole, .federationToken])
        try only("iam_groups", !iamGroups.isEmpty, [.iamUser])
        try only("iam_tags", !iamTags.isEmpty, [.iamUser])
        try only("permissions_boundary_arn", !permissionsBoundaryARN.isEmpty, [.iamUser])
        try only("user_path", !userPath.isEmpty, [.iamUser])
        try only("default_sts_ttl", defaultSTSTTL != 0, [.assumedRole, .federationToken, .sessionToken])
        try only("max_sts_ttl", maxSTSTTL != 0, [.assumedRole, .federationToken, .sessionToken])
        try only("session_tags", !sessionTags.isEmpty, [.assumedRole])
        try only("external_id", !externalID.isEmpty, [.assumedRole])

        guard defaultSTSTTL >= 0, maxSTSTTL >= 0 else { throw MountError.badRequest("default_sts_ttl and max_sts_ttl cannot be negative") }
        if defaultSTSTTL > 0, maxSTSTTL > 0, maxSTSTTL < defaultSTSTTL {
            throw MountError.badRequest("max_sts_ttl must be greater than or equal to default_sts_ttl")
        }
        for arn in roleARNs where !Self.isARN(arn, resource: "role/") {
            throw MountError.badRequest("role_arns: \"\(arn)\" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        }
        for arn in policyARNs where !Self.isARN(arn, resource: "policy/") {
            throw MountError.badRequest("policy_arns: \"\(arn)\" is not an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)")
        }
        if !permissionsBoundaryARN.isEmpty, !Self.isARN(permissionsBoundaryARN, resource: "policy/") {
            throw MountError.badRequest("permissions_boundary_arn: \"\(permissionsBoundaryARN)\" is not an IAM policy ARN")
        }
        if !userPath.isEmpty, !Self.isUserPath(userPath) {
            throw MountError.badRequest(
                "The specified value for user_path is invalid. It must match \"^\\/([\\x21-\\x7F]{0,510}\\/)?$\" regexp")
        }
        if credentialType == .federationToken, policyDocument.isEmpty, policyARNs.isEmpty {
            throw MountError.badRequest("must specify at least one of policy_arns or policy_document with federation_token credential_type")
        }
    }

    /// `arn:<partition>:iam::<account>:<resource>...`, where the resource
    /// starts as given (`role/`, `policy/`).
    static func isARN(_ text: String, resource: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, parts[2] == "iam" else { return false }
        return parts[5].hasPrefix(resource) && parts[5].count > resource.count
    }

    /// IAM's path rule: `/`, or `/` + printable ASCII + `/`, 512 characters at most.
    static func isUserPath(_ path: String) -> Bool {
        guard path.hasPrefix("/"), path.hasSuffix("/"), path.utf8.count <= 512 else { return false }
        return path.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7F }
    }

    /// A policy document is JSON; it is stored compacted, as Vault does.
    static func compacted(_ document: String) throws -> String {
        guard !document.isEmpty else { return "" }
        guard let value = try? JSONValue.parse(Data(document.utf8)), case .object = value else {
            throw MountError.badRequest("cannot parse policy_document: it is not a JSON object")
        }
        return String(decoding: value.serialized(), as: UTF8.self)
    }

    /// Vault's key-value pairs: a JSON object of strings, or `key=value` texts
    /// (one, or a list, as the CLI sends them).
    static func pairs(_ fields: RequestFields, _ name: String) throws -> [String: String]? {
        guard let raw = fields.raw[name], raw != .null else { return nil }
        if case .object(let object) = raw {
            return try object.mapValues { value in
                guard case .string(let text) = value else { throw MountError.badRequest("\(name) values must be strings") }
                return text
            }
        }
        guard let list = try fields.stringList(name) else { return nil }
        var pairs: [String: String] = [:]
        for item in list where !item.isEmpty {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw MountError.badRequest("\(name): \"\(item)\" is not of the form key=value")
            }
            pairs[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return pairs
    }
}
