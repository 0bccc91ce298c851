import CofferMountKit
import Foundation
import Synchronization

/// What the audit log says about one request: built up as the pipeline learns it,
/// written as a `request` line before the handler runs and a `response` line after.
struct AuditRecord: Sendable {
    var request: Request
    var operation: String
    var token: TokenEntry?
    /// The mount the request routed to (a reference: records are copied per stage).
    var routed: RoutedMount?
    var mount: MountEntry? { routed?.entry }
    var allowed = true
    var grantingPolicies: [String] = []
    var error: String?
    /// The auth and request parts per device, built once for both lines (copies of
    /// the record share them: neither changes between the two lines).
    private let requestParts = RequestPartCache()

    init(request: Request) {
        self.request = request
        switch request.operation {
        case .read: operation = "read"
        case .list: operation = "list"
        case .delete: operation = "delete"
        case .patch: operation = "patch"
        case .write: operation = "update"
        }
    }

    /// The line as one device writes it: every sensitive string through `hash`.
    func line(type: String, response: Response?, device: FileAuditDevice) -> Data {
        let hashesValues = !device.logsRaw
        let hashesAccessors = !device.logsRaw && device.hashesAccessors
        let hash: (String) -> String = { value in hashesValues ? device.hmac(value) : value }
        let hashAccessor: (String) -> String = { value in hashesAccessors ? device.hmac(value) : value }
        // Keys in Go's sorted order: auth, error, request, response, time, type.
        var writer = JSONWriter()
        writer.append("{\"auth\":")
        writer.appendJSON(requestParts.part(for: device, "auth") { writeAuth(&$0, hash: hash, hashAccessor: hashAccessor) })
        if let error {
            writer.append(",\"error\":")
            writer.write(.string(error))
        }
        writer.append(",\"request\":")
        writer.appendJSON(requestParts.part(for: device, "request") { writeRequest(&$0, hash: hash, hashAccessor: hashAccessor) })
        if type == "response" {
            writer.append(",\"response\":")
            if let response, case .logical(let logical) = response {
                writeResponse(&writer, logical, hash: hash, hashAccessor: hashAccessor)
            } else {
                var first = true
                writeMountFields(&writer, versionKey: "mount_running_plugin_version", first: &first)
                writer.append(first ? "{}" : "}")
            }
        }
        writer.append(",\"time\":")
        writer.write(.string(Timestamps.rfc3339(Date())))
        writer.append(",\"type\":")
        writer.write(.string(type))
        writer.append("}\n")
        return writer.output
    }

    // The parts below are written straight as JSON text, each object's keys in
    // the sorted order Go's encoder gives them; building JSONValue trees first
    // and sorting their keys cost more than the rest of the audit line.

    private func writeAuth(_ writer: inout JSONWriter, hash: (String) -> String, hashAccessor: (String) -> String) {
        guard let token else {
            writer.append("{\"token_type\":\"default\"}")
            return
        }
        writer.append("{\"accessor\":")
        writer.write(.string(hashAccessor(token.accessor)))
        if let id = request.token {
            writer.append(",\"client_token\":")
            writer.write(.string(hash(id)))
        }
        writer.append(",\"display_name\":")
        writer.write(.string(token.displayName))
        if let meta = token.meta {
            writer.append(",\"metadata\":")
            writer.write(meta)
        }
        writer.append(",\"policies\":")
        writer.write(token.policies)
        writer.append(",\"policy_results\":{\"allowed\":")
        writer.write(.bool(allowed))
        writer.append(",\"granting_policies\":[")
        for (index, policy) in grantingPolicies.enumerated() {
            writer.append(index == 0 ? "{\"name\":" : ",{\"name\":")
            writer.write(.string(policy))
            writer.append(",\"namespace_id\":\"root\",\"type\":\"acl\"}")
        }
        writer.append("]},\"token_issue_time\":")
        writer.write(.string(Timestamps.rfc3339(token.creationTime)))
        writer.append(",\"token_policies\":")
        writer.write(token.policies)
        if token.creationTTL > 0 {
            writer.append(",\"token_ttl\":")
            writer.write(.int(token.creationTTL))
        }
        writer.append(",\"token_type\":")
        writer.write(.string(token.type))
        writer.append("}")
    }

    private func writeRequest(_ writer: inout JSONWriter, hash: (String) -> String, hashAccessor: (String) -> String) {
        var first = true
        if let id = request.token, let token {
            writer.key("client_token", first: &first)
            writer.write(.string(hash(id)))
            writer.key("client_token_accessor", first: &first)
            writer.write(.string(hashAccessor(token.accessor)))
        }
        if !request.data.isEmpty {
            writer.key("data", first: &first)
            Self.writeHashed(&writer, .object(request.data), hash)
        }
        writer.key("id", first: &first)
        writer.write(.string(request.id))
        writeMountFields(&writer, versionKey: "mount_running_version", first: &first)
        writer.append(",\"namespace\":{\"id\":\"root\"},\"operation\":")
        writer.write(.string(operation))
        writer.append(",\"path\":")
        writer.write(.string(request.path))
        if let address = request.clientAddress {
            writer.append(",\"remote_address\":")
            writer.write(.string(address))
        }
        if let ttl = request.wrapTTL {
            writer.append(",\"wrap_ttl\":")
            writer.write(.int(ttl))
        }
        writer.append("}")
    }

    private func writeResponse(_ writer: inout JSONWriter, _ response: LogicalResponse, hash: (String) -> String, hashAccessor: (String) -> String) {
        var first = true
        if case .object(let auth) = response.auth {
            writer.key("auth", first: &first)
            Self.writeObject(&writer, auth, hashed: ["client_token"], accessors: ["accessor"], hash: hash, hashAccessor: hashAccessor)
        }
        if response.data != .null {
            writer.key("data", first: &first)
            Self.writeHashed(&writer, response.data, hash)
        }
        writeMountFields(&writer, versionKey: "mount_running_plugin_version", first: &first)
        if !response.leaseID.isEmpty {
            writer.key("secret", first: &first)
            writer.append("{\"lease_id\":")
            writer.write(.string(response.leaseID))
            writer.append("}")
        }
        if case .object(let wrap) = response.wrapInfo {
            writer.key("wrap_info", first: &first)
            Self.writeObject(&writer, wrap, hashed: ["token"], accessors: ["accessor", "wrapped_accessor"], hash: hash, hashAccessor: hashAccessor)
        }
        writer.append(first ? "{}" : "}")
    }

    /// The mount's five members (keys in sorted order), opened with `writer.key`.
    private func writeMountFields(_ writer: inout JSONWriter, versionKey: String, first: inout Bool) {
        guard let mount else { return }
        writer.key("mount_accessor", first: &first)
        writer.write(.string(mount.accessor))
        writer.key("mount_class", first: &first)
        writer.write(.string(mount.table == .auth ? "auth" : "secret"))
        writer.key("mount_point", first: &first)
        writer.write(.string(mount.routePath))
        writer.key(versionKey, first: &first)
        writer.write(.string("v2.7.2+builtin.bao"))
        writer.key("mount_type", first: &first)
        writer.write(.string(mount.type))
    }

    /// An object whose `hashed` keys' string values go through `hash`, and whose
    /// `accessors` keys' through `hashAccessor`.
    private static func writeObject(
        _ writer: inout JSONWriter, _ members: [String: JSONValue], hashed: [String], accessors: [String],
        hash: (String) -> String, hashAccessor: (String) -> String
    ) {
        writer.append("{")
        for (index, name) in members.keys.sorted().enumerated() {
            if index > 0 { writer.append(",") }
            writer.write(.string(name))
            writer.append(":")
            let value = members[name]!
            if let text = value.stringValue, hashed.contains(name) {
                writer.write(.string(hash(text)))
            } else if let text = value.stringValue, accessors.contains(name) {
                writer.write(.string(hashAccessor(text)))
            } else {
                writer.write(value)
            }
        }
        writer.append("}")
    }

    /// Every string leaf hashed, the structure kept (spec §4.11), written as it goes.
    static func writeHashed(_ writer: inout JSONWriter, _ value: JSONValue, _ hash: (String) -> String) {
        switch value {
        case .string(let text):
            writer.write(.string(hash(text)))
        case .array(let items):
            writer.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { writer.append(",") }
                writeHashed(&writer, item, hash)
            }
            writer.append("]")
        case .object(let members):
            writer.append("{")
            for (index, name) in members.keys.sorted().enumerated() {
                if index > 0 { writer.append(",") }
                writer.write(.string(name))
                writer.append(":")
                writeHashed(&writer, members[name]!, hash)
            }
            writer.append("}")
        default:
            writer.write(value)
        }
    }
}

/// Parts of the lines already written, as JSON text, by device and part name.
final class RequestPartCache: Sendable {
    private struct Key: Hashable {
        let device: ObjectIdentifier
        let part: String
    }

    private let parts = Mutex<[Key: [UInt8]]>([:])

    func part(for device: FileAuditDevice, _ name: String, _ build: (inout JSONWriter) -> Void) -> [UInt8] {
        let key = Key(device: ObjectIdentifier(device), part: name)
        if let cached = parts.withLock({ $0[key] }) { return cached }
        var writer = JSONWriter()
        build(&writer)
        parts.withLock { $0[key] = writer.bytes }
        return writer.bytes
    }
}
