import CofferEncoding
import CofferMountKit
import Foundation

extension SystemBackend {
    /// `sys/policies/acl[/<name>]`: list, read, write, delete (spec/jwt-auth.md §5.8).
    func aclPolicies(_ call: BackendCall, name: String) async throws -> Response {
        let operation = call.request.operation
        if name.isEmpty {
            guard operation == .list else { throw CoreError.unsupportedOperation }
            return .logical(LogicalResponse(requestID: call.request.id, data: ["keys": JSONValue(policies.names())]))
        }
        switch operation {
        case .read:
            guard let found = policies.get(name) else { throw CoreError.notFound }
            return .logical(LogicalResponse(requestID: call.request.id, data: Self.policyJSON(found, textKey: "policy")))
        case .write:
            guard let text = try RequestFields(call.request.data).string("policy"), !text.isEmpty else {
                throw CoreError.badRequest("'policy' parameter not supplied or empty")
            }
            _ = try await policies.put(name: name, text: text)
            return .noContent
        case .delete:
            try await policies.delete(name)
            return .noContent
        default:
            throw CoreError.unsupportedOperation
        }
    }

    /// The legacy `sys/policy[/<name>]`, which hvac uses: `rules`, and copies at the top level.
    func legacyPolicies(_ call: BackendCall, name: String) async throws -> Response {
        let operation = call.request.operation
        if name.isEmpty {
            guard operation == .read || operation == .list else { throw CoreError.unsupportedOperation }
            let names = JSONValue(policies.names())
            return Self.copiedToTop(call, ["keys": names, "policies": names])
        }
        switch operation {
        case .read:
            guard let found = policies.get(name) else { throw CoreError.notFound }
            return Self.copiedToTop(call, Self.policyJSON(found, textKey: "rules"))
        case .write:
            let fields = RequestFields(call.request.data)
            let fromRules = try fields.string("rules")
            guard let text = try fields.string("policy") ?? fromRules, !text.isEmpty else {
                throw CoreError.badRequest("'policy' parameter not supplied or empty")
            }
            _ = try await policies.put(name: name, text: text)
            guard fromRules != nil, !fields.has("policy") else { return .noContent }
            var response = LogicalResponse(requestID: call.request.id)
            response.warnings = ["'rules' is deprecated, please use 'policy' instead"]
            return .logical(response)
        case .delete:
            try await policies.delete(name)
            return .noContent
        default:
            throw CoreError.unsupportedOperation
        }
    }

    static func policyJSON(_ found: (policy: Policy, version: Int, modified: Date), textKey: String) -> JSONValue {
        [
            "allow_slashes_in_identity_templates": false,
            "allow_wildcards_in_identity_templates": false,
            "cas_required": false,
            "modified": .string(Timestamps.rfc3339(found.modified)),
            "name": .string(found.policy.name),
            textKey: .string(found.policy.text),
            "version": JSONValue(found.version),
        ]
    }

    /// `sys/capabilities`, `sys/capabilities-self`, `sys/capabilities-accessor`.
    func capabilities(_ call: BackendCall, of token: TokenEntry?) async throws -> Response {
        guard call.request.operation == .write else { throw CoreError.unsupportedOperation }
        let fields = RequestFields(call.request.data)
        var paths = try fields.stringList("paths") ?? []
        if let path = try fields.string("path"), !path.isEmpty { paths.append(path) }
        guard !paths.isEmpty else { throw CoreError.badRequest("missing paths") }
        let acl = token.map { policies.acl(for: $0, identity: identity) } ?? ACL(policies: [])
        var data: [String: JSONValue] = [:]
        for path in paths {
            let capabilities = acl.capabilities(on: path.hasPrefix("/") ? String(path.dropFirst()) : path)
            data[path] = JSONValue(capabilities.sortedNames)
        }
        if paths.count == 1 { data["capabilities"] = data[paths[0]] }
        return Self.copiedToTop(call, .object(data))
    }
}
