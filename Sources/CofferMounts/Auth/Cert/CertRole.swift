import CofferEncoding
import CofferMountKit
import X509

/// `auth/cert/certs/<name>`: a trusted CA (or one pinned leaf), the constraints
/// a client certificate must meet, and the token a login gets (spec/vault-api.md §9.1).
struct CertRole: Codable, Sendable, Equatable {
    var certificate = ""
    var displayName = ""
    var allowedNames: [String]?
    var allowedCommonNames: [String]?
    var allowedDNSSANs: [String]?
    var allowedEmailSANs: [String]?
    var allowedURISANs: [String]?
    var allowedOrganizationalUnits: [String]?
    /// `oid:glob` pairs; every one must be met.
    var requiredExtensions: [String]?
    /// OIDs whose values are copied into the token's metadata (dots as dashes).
    var allowedMetadataExtensions: [String]?
    var ocspEnabled = false
    var ocspCACertificates = ""
    var ocspServersOverride: [String]?
    var ocspFailOpen = false
    var ocspQueryAllServers = false
    var token = TokenSettings()

    /// Longest list a constraint may hold, and longest entry: a role is read on
    /// every login, and a megabyte of globs would make each one slow.
    static let maxListCount = 256
    static let maxEntryBytes = 1024

    var json: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "certificate": .string(certificate),
            "display_name": .string(displayName),
            "allowed_names": Self.list(allowedNames),
            "allowed_common_names": Self.list(allowedCommonNames),
            "allowed_dns_sans": Self.list(allowedDNSSANs),
            "allowed_email_sans": Self.list(allowedEmailSANs),
            "allowed_uri_sans": Self.list(allowedURISANs),
            "allowed_organizational_units": Self.list(allowedOrganizationalUnits),
            "required_extensions": Self.list(requiredExtensions),
            "allowed_metadata_extensions": Self.list(allowedMetadataExtensions),
            "ocsp_enabled": .bool(ocspEnabled),
            "ocsp_ca_certificates": .string(ocspCACertificates),
            "ocsp_servers_override": Self.list(ocspServersOverride),
            "ocsp_fail_open": .bool(ocspFailOpen),
            "ocsp_query_all_servers": .bool(ocspQueryAllServers),
        ]
        object.merge(token.json) { _, new in new }
        return object
    }

    /// A list never written reads back as `null`, as OpenBao's nil slices do.
    private static func list(_ values: [String]?) -> JSONValue {
        values.map { JSONValue($0) } ?? .null
    }

    /// Applies a role write: fields change only when sent. The certificate is
    /// checked last, as OpenBao checks it after the token fields.
    mutating func update(from fields: RequestFields, name: String) throws {
        if let value = try fields.string("certificate") { certificate = value }
        if let value = try fields.string("ocsp_ca_certificates") { ocspCACertificates = value }
        if let value = try fields.bool("ocsp_enabled") { ocspEnabled = value }
        if let value = try Self.list(fields, "ocsp_servers_override") { ocspServersOverride = value }
        if let value = try fields.bool("ocsp_fail_open") { ocspFailOpen = value }
        if let value = try fields.bool("ocsp_query_all_servers") { ocspQueryAllServers = value }
        if let value = try fields.string("display_name") { displayName = value }
        if let value = try Self.list(fields, "allowed_names") { allowedNames = value }
        if let value = try Self.list(fields, "allowed_common_names") { allowedCommonNames = value }
        if let value = try Self.list(fields, "allowed_dns_sans") { allowedDNSSANs = value }
        if let value = try Self.list(fields, "allowed_email_sans") { allowedEmailSANs = value }
        if let value = try Self.list(fields, "allowed_uri_sans") { allowedURISANs = value }
        if let value = try Self.list(fields, "allowed_organizational_units") { allowedOrganizationalUnits = value }
        if let value = try Self.list(fields, "required_extensions") { requiredExtensions = value }
        if let value = try Self.list(fields, "allowed_metadata_extensions") { allowedMetadataExtensions = value }
        try token.update(from: fields)
        if displayName.isEmpty { displayName = name }
        guard let parsed = PEMCertificates.parse(certificate) else { throw MountError.badRequest("failed to parse certificate") }
        if !ocspCACertificates.isEmpty, PEMCertificates.parse(ocspCACertificates) == nil {
            throw MountError.badRequest("failed to parse ocsp_ca_certificates")
        }
        // A pinned leaf must be good for client authentication (OpenBao's check):
        // a server certificate pinned by mistake would never log in.
        if !Self.isCA(parsed[0]), let usage = try? parsed[0].extensions.extendedKeyUsage,
            !usage.contains(.clientAuth), !usage.contains(.any)
        {
            throw MountError.badRequest("nonCA certificates should have TLS client authentication set as an extended key usage")
        }
    }

    /// Vault's `IsCA`: basic constraints say so.
    static func isCA(_ certificate: Certificate) -> Bool {
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else { return false }
        return true
    }

    /// A `TypeCommaStringSlice` field, bounded in count and entry length.
    private static func list(_ fields: RequestFields, _ name: String) throws -> [String]? {
        guard let values = try fields.stringList(name) else { return nil }
        guard values.count <= maxListCount, values.allSatisfy({ $0.utf8.count <= maxEntryBytes }) else {
            throw MountError.badRequest("\(name): at most \(maxListCount) entries of at most \(maxEntryBytes) bytes each")
        }
        return values
    }
}
