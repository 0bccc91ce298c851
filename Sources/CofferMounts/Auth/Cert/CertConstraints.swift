import Foundation

/// A role's constraints on a client certificate, as values: each says what it
/// asked for and what the certificate brought, and whether that held.
///
/// Every non-empty constraint must hold (they are ANDed); within one list,
/// any entry may match (OpenBao's `matchesConstraints`, in its order).
struct CertConstraints: Sendable {
    struct Check: Sendable, Equatable {
        let name: String
        let expected: String
        let actual: String
        let passed: Bool
    }

    let role: CertRole

    /// The checks in OpenBao's order, up to and including the first that fails
    /// (it stops there too). Revocation and OCSP are checked by the caller.
    func evaluate(_ client: ClientCertificate) -> [Check] {
        var checks: [Check] = []
        let names = [client.commonName] + client.dnsNames + client.emailAddresses
        let steps: [(String, [String]?, [String])] = [
            // `allowed_names` looks at the CN and the DNS and email SANs.
            ("allowed_names", role.allowedNames, names),
            ("allowed_common_names", role.allowedCommonNames, [client.commonName]),
            ("allowed_dns_sans", role.allowedDNSSANs, client.dnsNames),
            ("allowed_email_sans", role.allowedEmailSANs, client.emailAddresses),
            ("allowed_uri_sans", role.allowedURISANs, client.uris),
            ("allowed_organizational_units", role.allowedOrganizationalUnits, client.organizationalUnits),
        ]
        for (name, patterns, values) in steps {
            guard let patterns, !patterns.isEmpty else { continue }
            let check = Self.anyMatch(name, patterns: patterns, values: values)
            checks.append(check)
            if !check.passed { return checks }
        }
        if let required = role.requiredExtensions, !required.isEmpty {
            checks.append(Self.extensions(required, client.extensionValues))
        }
        return checks
    }

    private static func anyMatch(_ name: String, patterns: [String], values: [String]) -> Check {
        let globs = patterns.map(GlobPattern.init)
        let passed = values.contains { value in globs.contains { $0.matches(value) } }
        return Check(
            name: name, expected: "one of " + patterns.joined(separator: ", "),
            actual: values.isEmpty ? "none" : values.joined(separator: ", "), passed: passed)
    }

    /// `oid:glob` entries, all of which must hold. An entry with no colon can
    /// never hold (OpenBao would crash on it at login; it accepts it when written).
    private static func extensions(_ required: [String], _ values: [String: String]) -> Check {
        var failed: [String] = []
        for entry in required {
            let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let value = values[String(parts[0])], GlobPattern(String(parts[1])).matches(value) else {
                failed.append(entry)
                continue
            }
        }
        return Check(
            name: "required_extensions", expected: required.joined(separator: ", "),
            actual: failed.isEmpty ? "all present" : "not met: " + failed.joined(separator: ", "), passed: failed.isEmpty)
    }

    /// `allowed_metadata_extensions`: each listed extension the certificate has,
    /// keyed by its OID with dashes for dots (usable in ACL templates).
    func metadata(_ client: ClientCertificate) -> [String: String] {
        var metadata: [String: String] = [:]
        for oid in role.allowedMetadataExtensions ?? [] {
            guard let value = client.extensionValues[oid] else { continue }
            metadata[oid.replacingOccurrences(of: ".", with: "-")] = value
        }
        return metadata
    }
}
