import CofferEncoding
import CofferMountKit

extension SystemBackend {
    /// `GET sys/locked-users` and `POST sys/locked-users/<mount accessor>/unlock/<alias>`,
    /// in OpenBao's shapes (one namespace, the root one).
    func lockedUsersEndpoint(_ call: BackendCall, _ rest: String) async throws -> Response? {
        if rest.isEmpty {
            guard call.request.operation == .read else { throw CoreError.unsupportedOperation }
            let filter = try RequestFields(call.request.data).string("mount_accessor").flatMap { $0.isEmpty ? nil : $0 }
            return Self.copiedToTop(call, try await lockedUsers(filter))
        }
        // `<accessor>/unlock/<alias>`: the accessor is the shortest prefix, as Vault's
        // pattern `(?P<mount_accessor>.+?)/unlock/(?P<alias_identifier>.+)`.
        let bytes = Array(rest.utf8), marker = Array("/unlock/".utf8)
        guard bytes.count > marker.count,
            let start = (1...(bytes.count - marker.count)).first(where: { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
        else { return nil }
        let accessor = String(decoding: bytes[..<start], as: UTF8.self)
        let alias = String(decoding: bytes[(start + marker.count)...], as: UTF8.self)
        guard !alias.isEmpty else { return nil }
        guard call.request.operation == .write else { throw CoreError.unsupportedOperation }
        try await lockouts.unlock(accessor: accessor, alias: alias)
        return .noContent
    }

    private func lockedUsers(_ accessor: String?) async throws -> JSONValue {
        let locked = try await lockouts.locked(accessor: accessor)
            .sorted { $0.aliases.count > $1.aliases.count }
        let total = locked.reduce(0) { $0 + $1.aliases.count }
        let accessors: [JSONValue] = locked.map { entry in
            [
                "mount_accessor": .string(entry.accessor),
                "counts": .int(Int64(entry.aliases.count)),
                "alias_identifiers": entry.aliases.isEmpty ? .null : JSONValue(entry.aliases),
            ]
        }
        return [
            "by_namespace": [
                [
                    "namespace_id": "root", "namespace_path": "", "counts": .int(Int64(total)),
                    "mount_accessors": .array(accessors),
                ]
            ],
            "total": .int(Int64(total)),
        ]
    }
}
