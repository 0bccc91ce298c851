import CofferMountKit

extension SystemBackend {
    /// `sys/audit`, `sys/audit/<path>`, `sys/audit-hash/<path>` (spec/vault-api.md §4.11).
    func auditEndpoint(_ call: BackendCall, _ path: String) async throws -> Response {
        let operation = call.request.operation
        if path == "audit" || path == "audit/" {
            guard operation == .read else { throw CoreError.unsupportedOperation }
            let table = Dictionary(uniqueKeysWithValues: audit.entries.map { ($0.path, $0.json) })
            return Self.copiedToTop(call, .object(table))
        }
        if path.hasPrefix("audit-hash/") {
            guard operation == .write else { throw CoreError.unsupportedOperation }
            let input = try RequestFields(call.request.data).string("input") ?? ""
            guard let hash = audit.hash(input, device: String(path.dropFirst("audit-hash/".count))) else {
                throw CoreError.badRequest("unknown audit backend")
            }
            return Self.copiedToTop(call, ["hash": .string(hash)])
        }
        let device = String(path.dropFirst("audit/".count))
        switch operation {
        case .write:
            guard audit.apiCreationAllowed.withLock({ $0 }) else {
                throw CoreError.badRequest(
                    "enabling audit devices over the API is disabled: declare them in the server config, or set unsafe_allow_api_audit_creation = true"
                )
            }
            let fields = RequestFields(call.request.data)
            let options =
                try fields.map("options")?.compactMapValues { value -> String? in
                    switch value {
                    case .string(let text): text
                    case .bool(let flag): String(flag)
                    case .int(let number): String(number)
                    default: nil
                    }
                } ?? [:]
            try await audit.enable(
                AuditDeviceEntry(
                    path: device, type: try fields.string("type") ?? "", description: try fields.string("description") ?? "",
                    options: options, local: try fields.bool("local") ?? false
                ))
            return .noContent
        case .delete:
            try await audit.disable(device)
            return .noContent
        default:
            throw CoreError.unsupportedOperation
        }
    }
}
