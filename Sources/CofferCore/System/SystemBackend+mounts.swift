import CofferEncoding
import CofferMountKit

extension SystemBackend {
    /// `GET sys/mounts` and `GET sys/auth`: every entry keyed by path, copied to the top level.
    func listMounts(_ table: MountEntry.Table, _ call: BackendCall) async throws -> Response {
        guard call.request.operation == .read else { throw CoreError.unsupportedOperation }
        let entries = await mounts.entries(table)
        let data = JSONValue.object(Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0.json()) }))
        return Self.copiedToTop(call, data)
    }

    /// `sys/mounts/<path>` and `sys/auth/<path>`: read, enable, disable.
    func mountEntry(_ table: MountEntry.Table, _ path: String, _ call: BackendCall) async throws -> Response {
        switch call.request.operation {
        case .read:
            guard let entry = await mounts.entries(table).first(where: { $0.path.bytesEqual(path) }) else {
                throw CoreError.badRequest("No mount found at \(path)")
            }
            return Self.copiedToTop(call, entry.json())
        case .write:
            let path = table == .secrets ? try Self.secretsMountPath(path) : path
            try await mounts.enable(try Self.newEntry(table, path, RequestFields(call.request.data)))
            return .noContent
        case .delete:
            // As Vault: a secrets engine's leases are revoked through it before it
            // goes (a database mount drops its users); a failure keeps the mount.
            if table == .secrets, await mounts.entries(table).contains(where: { $0.path.bytesEqual(path.withTrailingSlash) }) {
                try await leases.revoke(prefix: path.withTrailingSlash)
            }
            try await mounts.disable(table: table, path: path)
            // As Vault: an auth method's tokens (and their leases) go with it.
            if table == .auth { try await leases.revoke(prefix: table.routePrefix + path) }
            return .noContent
        default:
            throw CoreError.unsupportedOperation
        }
    }

    /// `sys/mounts/<path>/tune`: read the effective settings, or change them.
    func tune(_ table: MountEntry.Table, _ path: String, _ call: BackendCall) async throws -> Response {
        guard var entry = await mounts.entries(table).first(where: { $0.path.bytesEqual(path) }) else {
            throw CoreError.badRequest("cannot fetch mount entry for \(table.routePrefix)\(path)")
        }
        switch call.request.operation {
        case .read:
            return Self.copiedToTop(call, entry.tuneJSON)
        case .write:
            let fields = RequestFields(call.request.data)
            // Empty strings mean "leave as is": the CLI sends every field.
            if let ttl = try nonEmptyDuration(fields, "default_lease_ttl") { entry.config.defaultLeaseTTL = ttl }
            if let ttl = try nonEmptyDuration(fields, "max_lease_ttl") { entry.config.maxLeaseTTL = ttl }
            if let description = try fields.string("description") { entry.description = description }
            if let options = try Self.options(fields), !options.isEmpty {
                entry.options = (entry.options ?? [:]).merging(options) { _, new in new }
            }
            try Self.tuneUserLockout(&entry, fields)
            try Self.tuneTokenType(&entry, try fields.string("token_type"))
            try await mounts.update(entry)
            return .noContent
        default:
            throw CoreError.unsupportedOperation
        }
    }

    private func nonEmptyDuration(_ fields: RequestFields, _ name: String) throws -> Int64? {
        if case .string(let text)? = fields.raw[name], text.isEmpty { return nil }
        return try fields.duration(name)
    }

    /// Mount types that are auth methods (mounted under `sys/auth`).
    static let authTypes: Set<String> = ["jwt", "oidc", "approle", "userpass", "cert", "kubernetes", "aws", "gcp", "azure", "token"]

    /// Types that are both an auth method and a secrets engine (Vault's `aws`).
    static let dualTypes: Set<String> = ["aws"]

    /// The entry `POST sys/mounts/<path>` asks for; `kv-v2` is stored as `kv` version 2.
    static func newEntry(_ table: MountEntry.Table, _ path: String, _ fields: RequestFields) throws -> MountEntry {
        guard var type = try fields.string("type"), !type.isEmpty else {
            throw CoreError.badRequest("backend type must be specified as a string")
        }
        // An auth method cannot be mounted as a secrets engine, nor the reverse.
        guard Self.dualTypes.contains(type) || Self.authTypes.contains(type) == (table == .auth) else {
            throw CoreError.badRequest("plugin not found in the catalog: \(type)")
        }
        var options = try Self.options(fields) ?? [:]
        if type == "kv-v2" {
            type = "kv"
            options["version"] = "2"
        }
        var entry = MountEntry.make(table, path: path, type: type, description: try fields.string("description") ?? "", options: options)
        if let config = try fields.map("config") {
            let configFields = RequestFields(config)
            entry.config.defaultLeaseTTL = try configFields.duration("default_lease_ttl") ?? 0
            entry.config.maxLeaseTTL = try configFields.duration("max_lease_ttl") ?? 0
            entry.config.forceNoCache = try configFields.bool("force_no_cache") ?? false
            try Self.tuneTokenType(&entry, try configFields.string("token_type"))
        }
        entry.local = try fields.bool("local") ?? false
        entry.sealWrap = try fields.bool("seal_wrap") ?? false
        entry.externalEntropyAccess = try fields.bool("external_entropy_access") ?? false
        return entry
    }

    /// Mount options as strings: `{"version": 2}` is stored as `"2"`, the form the CLI needs.
    static func options(_ fields: RequestFields) throws -> [String: String]? {
        guard let raw = try fields.map("options") else { return nil }
        return try raw.compactMapValues { value in
            switch value {
            case .string(let text): return text
            case .int(let number): return String(number)
            case .double(let number): return Int64(checking: number).map { String($0) } ?? String(number)
            case .bool(let flag): return String(flag)
            case .null: return nil
            default: throw CoreError.badRequest("mount options must be strings")
            }
        }
    }

    static func copiedToTop(_ call: BackendCall, _ data: JSONValue) -> Response {
        var response = LogicalResponse(requestID: call.request.id, data: data)
        response.copiesDataToTop = true
        return .logical(response)
    }
}
