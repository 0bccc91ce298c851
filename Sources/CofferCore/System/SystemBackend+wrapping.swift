import CofferEncoding
import CofferMountKit

extension SystemBackend {
    /// `sys/wrapping/wrap|unwrap|lookup|rewrap` (spec/vault-api.md §4.9).
    func wrappingEndpoint(_ call: BackendCall, _ action: String) async throws -> Response {
        let fields = RequestFields(call.request.data)
        switch (action, call.request.operation) {
        case ("wrap", .write):
            guard call.request.wrapTTL != nil else { throw CoreError.badRequest("endpoint requires response wrapping to be used") }
            // The pipeline wraps this answer, since the request asked for it.
            return .logical(LogicalResponse(requestID: call.request.id, data: .object(call.request.data)))
        case ("unwrap", .write):
            return try await unwrap(call, fields)
        case ("lookup", .write), ("lookup", .read):
            guard let id = try fields.string("token"), let token = try await tokens.lookup(id),
                let stored = try await wrapper.stored(for: token)
            else { throw ResponseWrapper.invalid }
            return .logical(
                LogicalResponse(
                    requestID: call.request.id,
                    data: [
                        "creation_path": .string(stored.creationPath),
                        "creation_time": .string(Timestamps.rfc3339(stored.creationTime)),
                        "creation_ttl": .int(stored.ttl),
                    ]))
        case ("rewrap", .write):
            guard let id = try fields.string("token"), let token = try await tokens.use(id),
                let stored = try await wrapper.stored(for: token)
            else { throw ResponseWrapper.invalid }
            try await tokens.revoke(hash: token.hash)
            return .logical(try await wrapper.store(stored))
        default:
            throw CoreError.unsupportedOperation
        }
    }

    /// The wrapping token comes in the body (any valid caller token in the header)
    /// or is the caller's own token; either way it is spent by this call.
    private func unwrap(_ call: BackendCall, _ fields: RequestFields) async throws -> Response {
        let wrapping: TokenEntry
        let fromBody: Bool
        if let id = try fields.string("token"), !id.isEmpty {
            guard let token = try await tokens.use(id) else { throw ResponseWrapper.invalid }
            (wrapping, fromBody) = (token, true)
        } else {
            guard let token = call.token else { throw ResponseWrapper.invalid }
            (wrapping, fromBody) = (token, false)
        }
        guard let stored = try await wrapper.stored(for: wrapping) else { throw ResponseWrapper.invalid }
        // The caller's own wrapping token was spent by this request, and the
        // pipeline revokes spent tokens once the request is done.
        if fromBody { try await tokens.revoke(hash: wrapping.hash) }
        return .logical(ResponseWrapper.unwrapped(stored, requestID: call.request.id))
    }

    /// OpenBao checks the wrapping token of `unwrap` and `rewrap` before the
    /// caller's token: the body's `token`, else the header's. A token that is no
    /// (longer a) wrapping token is a 400, which lets a runner tell a wrapping
    /// token already unwrapped or tampered with from a policy refusal (a 403).
    /// Only looks: nothing is spent until the endpoint runs.
    func checkWrappingTokenFirst(_ request: Request) async throws {
        guard request.operation == .write, request.path == "sys/wrapping/unwrap" || request.path == "sys/wrapping/rewrap" else {
            return
        }
        let id: String
        if let given = request.data["token"] {
            guard let text = given.stringValue, !text.isEmpty else {
                throw CoreError(.permissionDenied, "error validating wrapping token: empty token in request body")
            }
            id = text
        } else {
            guard let header = request.token, !header.isEmpty else {
                throw CoreError(.permissionDenied, "error validating wrapping token: token is empty")
            }
            id = header
        }
        guard let entry = try await tokens.lookup(id), try await wrapper.stored(for: entry) != nil else {
            throw ResponseWrapper.invalid
        }
    }

    var wrapper: ResponseWrapper {
        ResponseWrapper(tokens: tokens, barrier: barrier, expiration: expiration)
    }
}
