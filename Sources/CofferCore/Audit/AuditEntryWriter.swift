import CofferEncoding
import CofferMountKit
import Foundation

/// Turns an audit entry into the line every device writes: compact JSON, each
/// object's keys in the sorted order Go's encoder gives Vault's structs, and a
/// newline. It writes what it is given; hashing is `AuditRedaction`'s job.
///
/// The bytes are a compatibility promise (log shippers parse them), checked by
/// `scripts/audit-compare` against the binary before a change.
package enum AuditEntryWriter {
    package static func line(_ entry: AuditEntry) -> Data {
        var writer = JSONWriter()
        writer.append("{\"auth\":")
        write(entry.auth, to: &writer)
        if let error = entry.error {
            writer.append(",\"error\":")
            writer.write(.string(error))
        }
        if let explanation = entry.explanation {
            writer.append(",\"explain\":")
            writer.write(.string(explanation))
        }
        writer.append(",\"request\":")
        write(entry.request, to: &writer)
        if let response = entry.response {
            writer.append(",\"response\":")
            write(response, to: &writer)
        }
        writer.append(",\"time\":")
        writer.write(.string(Timestamps.rfc3339(entry.time)))
        writer.append(",\"type\":")
        writer.write(.string(entry.kind.rawValue))
        writer.append("}\n")
        return writer.output
    }

    // Each part is written straight as JSON text, keys in sorted order: building a
    // JSONValue tree first and sorting its keys cost more than the rest of the line.

    private static func write(_ auth: AuditAuth, to writer: inout JSONWriter) {
        var first = true
        if let accessor = auth.accessor { member("accessor", .string(accessor), &writer, &first) }
        if let token = auth.clientToken { member("client_token", .string(token), &writer, &first) }
        if let name = auth.displayName { member("display_name", .string(name), &writer, &first) }
        if let metadata = auth.metadata {
            writer.key("metadata", first: &first)
            writer.write(metadata)
        }
        if let policies = auth.policies {
            writer.key("policies", first: &first)
            writer.write(policies)
        }
        if let results = auth.policyResults {
            writer.key("policy_results", first: &first)
            writer.append("{\"allowed\":")
            writer.write(.bool(results.allowed))
            writer.append(",\"granting_policies\":[")
            for (index, policy) in results.grantingPolicies.enumerated() {
                writer.append(index == 0 ? "{\"name\":" : ",{\"name\":")
                writer.write(.string(policy))
                writer.append(",\"namespace_id\":\"root\",\"type\":\"acl\"}")
            }
            writer.append("]}")
        }
        if let issued = auth.tokenIssueTime { member("token_issue_time", .string(Timestamps.rfc3339(issued)), &writer, &first) }
        if let policies = auth.tokenPolicies {
            writer.key("token_policies", first: &first)
            writer.write(policies)
        }
        if let ttl = auth.tokenTTL, ttl > 0 { member("token_ttl", .int(ttl), &writer, &first) }
        member("token_type", .string(auth.tokenType), &writer, &first)
        writer.append("}")
    }

    private static func write(_ request: AuditRequest, to writer: inout JSONWriter) {
        var first = true
        if let certificate = request.clientCertificate {
            // Who connected (the leaf's subject and serial), not the certificate itself.
            var shown: [String: JSONValue] = [
                "serial_number": .string(certificate.leafSerialNumber), "subject": .string(certificate.leafSubject),
            ]
            if certificate.isForwarded { shown["forwarded"] = .bool(true) }
            member("client_certificate", .object(shown), &writer, &first)
        }
        if let token = request.clientToken { member("client_token", .string(token), &writer, &first) }
        if let accessor = request.clientTokenAccessor { member("client_token_accessor", .string(accessor), &writer, &first) }
        if let data = request.data { member("data", .object(data), &writer, &first) }
        member("id", .string(request.id), &writer, &first)
        if let mount = request.mount { write(mount, versionKey: "mount_running_version", to: &writer, first: &first) }
        writer.key("namespace", first: &first)
        writer.append("{\"id\":")
        writer.write(.string(request.namespaceID))
        writer.append("}")
        member("operation", .string(request.operation), &writer, &first)
        member("path", .string(request.path), &writer, &first)
        if let address = request.remoteAddress { member("remote_address", .string(address), &writer, &first) }
        if let ttl = request.wrapTTL { member("wrap_ttl", .int(ttl), &writer, &first) }
        writer.append("}")
    }

    private static func write(_ response: AuditResponse, to writer: inout JSONWriter) {
        var first = true
        if let auth = response.auth { member("auth", .object(auth), &writer, &first) }
        if let data = response.data { member("data", data, &writer, &first) }
        if let mount = response.mount { write(mount, versionKey: "mount_running_plugin_version", to: &writer, first: &first) }
        if let lease = response.leaseID {
            writer.key("secret", first: &first)
            writer.append("{\"lease_id\":")
            writer.write(.string(lease))
            writer.append("}")
        }
        if let wrap = response.wrapInfo { member("wrap_info", .object(wrap), &writer, &first) }
        writer.append(first ? "{}" : "}")
    }

    /// The mount's five members; the request and the response name the version differently.
    private static func write(_ mount: AuditMount, versionKey: String, to writer: inout JSONWriter, first: inout Bool) {
        member("mount_accessor", .string(mount.accessor), &writer, &first)
        member("mount_class", .string(mount.mountClass), &writer, &first)
        member("mount_point", .string(mount.point), &writer, &first)
        member(versionKey, .string(mount.runningVersion), &writer, &first)
        member("mount_type", .string(mount.type), &writer, &first)
    }

    private static func member(_ name: String, _ value: JSONValue, _ writer: inout JSONWriter, _ first: inout Bool) {
        writer.key(name, first: &first)
        writer.write(value)
    }
}
