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
        writer.appendJSON(requestParts.part(for: device, "auth") { authJSON(hash: hash, hashAccessor: hashAccessor) })
        if let error {
            writer.append(",\"error\":")
            writer.write(.string(error))
        }
        writer.append(",\"request\":")
        writer.appendJSON(requestParts.part(for: device, "request") { requestJSON(hash: hash, hashAccessor: hashAccessor) })
        if type == "response" {
            writer.append(",\"response\":")
            if let response, case .logical(let logical) = response {
                writer.write(responseJSON(logical, hash: hash, hashAccessor: hashAccessor))
            } else {
                writer.write(.object(mountFields(prefixVersion: "mount_running_plugin_version")))
            }
        }
        writer.append(",\"time\":")
        writer.write(.string(Timestamps.rfc3339(Date())))
        writer.append(",\"type\":")
        writer.write(.string(type))
        writer.append("}\n")
        return writer.output
    }

    private func authJSON(hash: (String) -> String, hashAccessor: (String) -> String) -> JSONValue {
        guard let token else { return ["token_type": "default"] }
        var auth: [String: JSONValue] = [
            "display_name": .string(token.displayName),
            "policies": JSONValue(token.policies),
            "token_policies": JSONValue(token.policies),
            "policy_results": [
                "allowed": .bool(allowed),
                "granting_policies": .array(grantingPolicies.map { ["name": .string($0), "namespace_id": "root", "type": "acl"] }),
            ],
            "token_type": .string(token.type),
            "token_issue_time": .string(Timestamps.rfc3339(token.creationTime)),
            "accessor": .string(hashAccessor(token.accessor)),
        ]
        if let id = request.token { auth["client_token"] = .string(hash(id)) }
        if let meta = token.meta { auth["metadata"] = .object(meta.mapValues { .string($0) }) }
        if token.creationTTL > 0 { auth["token_ttl"] = .int(token.creationTTL) }
        return .object(auth)
    }

    private func requestJSON(hash: (String) -> String, hashAccessor: (String) -> String) -> JSONValue {
        var fields = mountFields(prefixVersion: "mount_running_version")
        fields["id"] = .string(request.id)
        fields["operation"] = .string(operation)
        fields["namespace"] = ["id": "root"]
        fields["path"] = .string(request.path)
        if let id = request.token, token != nil {
            fields["client_token"] = .string(hash(id))
            fields["client_token_accessor"] = .string(hashAccessor(token!.accessor))
        }
        if !request.data.isEmpty { fields["data"] = Self.hashed(.object(request.data), hash) }
        if let address = request.clientAddress { fields["remote_address"] = .string(address) }
        if let ttl = request.wrapTTL { fields["wrap_ttl"] = .int(ttl) }
        return .object(fields)
    }

    private func responseJSON(_ response: LogicalResponse, hash: (String) -> String, hashAccessor: (String) -> String) -> JSONValue {
        var fields = mountFields(prefixVersion: "mount_running_plugin_version")
        if case .object(var auth) = response.auth {
            if let token = auth["client_token"]?.stringValue { auth["client_token"] = .string(hash(token)) }
            if let accessor = auth["accessor"]?.stringValue { auth["accessor"] = .string(hashAccessor(accessor)) }
            fields["auth"] = .object(auth)
        }
        if response.data != .null { fields["data"] = Self.hashed(response.data, hash) }
        if case .object(var wrap) = response.wrapInfo {
            if let token = wrap["token"]?.stringValue { wrap["token"] = .string(hash(token)) }
            if let accessor = wrap["accessor"]?.stringValue { wrap["accessor"] = .string(hashAccessor(accessor)) }
            if let accessor = wrap["wrapped_accessor"]?.stringValue { wrap["wrapped_accessor"] = .string(hashAccessor(accessor)) }
            fields["wrap_info"] = .object(wrap)
        }
        if !response.leaseID.isEmpty {
            fields["secret"] = ["lease_id": .string(response.leaseID)]
        }
        return .object(fields)
    }

    private func mountFields(prefixVersion versionKey: String) -> [String: JSONValue] {
        guard let mount else { return [:] }
        return [
            "mount_point": .string(mount.routePath), "mount_type": .string(mount.type),
            "mount_accessor": .string(mount.accessor), versionKey: "v2.7.2+builtin.bao",
            "mount_class": .string(mount.table == .auth ? "auth" : "secret"),
        ]
    }

    /// Every string leaf hashed, the structure kept (spec §4.11).
    static func hashed(_ value: JSONValue, _ hash: (String) -> String) -> JSONValue {
        switch value {
        case .string(let text): return .string(hash(text))
        case .array(let items): return .array(items.map { hashed($0, hash) })
        case .object(let members): return .object(members.mapValues { hashed($0, hash) })
        default: return value
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

    func part(for device: FileAuditDevice, _ name: String, _ build: () -> JSONValue) -> [UInt8] {
        let key = Key(device: ObjectIdentifier(device), part: name)
        if let cached = parts.withLock({ $0[key] }) { return cached }
        var writer = JSONWriter()
        writer.write(build())
        parts.withLock { $0[key] = writer.bytes }
        return writer.bytes
    }
}
