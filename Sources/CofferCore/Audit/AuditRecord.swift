import CofferEncoding
import CofferMountKit
import Foundation
import Synchronization

/// What the audit log says about one request, built up as the pipeline learns
/// it; `entry(_:response:time:)` makes the `request` line's value before the
/// handler runs and the `response` line's after.
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
    /// A refused login's explanation summary (`LoginExplanation.summary`).
    var explanation: String?
    /// Each device's redacted auth and request parts, made once for both lines
    /// (copies of the record share it: neither part changes between the lines).
    let redactions = AuditRedactionCache()

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

    /// The line's value, nothing hashed yet. A response line always has a
    /// `response` object, if only the mount's fields.
    func entry(_ kind: AuditEntry.Kind, response: Response?, time: Date) -> AuditEntry {
        AuditEntry(
            kind: kind, time: time, auth: auth, request: auditRequest,
            response: kind == .response ? auditResponse(response) : nil, error: error, explanation: explanation
        )
    }

    var auth: AuditAuth {
        guard let token else { return .noToken }
        return AuditAuth(
            accessor: token.accessor, clientToken: request.token, displayName: token.displayName, metadata: token.meta,
            policies: token.policies, policyResults: AuditPolicyResults(allowed: allowed, grantingPolicies: grantingPolicies),
            tokenIssueTime: token.creationTime, tokenPolicies: token.policies, tokenTTL: token.creationTTL > 0 ? token.creationTTL : nil,
            tokenType: token.type
        )
    }

    var auditRequest: AuditRequest {
        // The token's fields appear only when a token was sent and found.
        let sentToken = token != nil ? request.token : nil
        var audited = AuditRequest(
            clientToken: sentToken, clientTokenAccessor: sentToken != nil ? token?.accessor : nil,
            data: request.data.isEmpty ? nil : request.data, id: request.id, mount: auditMount, operation: operation,
            path: request.path, remoteAddress: request.clientAddress, wrapTTL: request.wrapTTL
        )
        audited.clientCertificate = request.peerCertificates
        return audited
    }

    private func auditResponse(_ response: Response?) -> AuditResponse {
        guard let response, case .logical(let logical) = response else { return AuditResponse(mount: auditMount) }
        var auth: [String: JSONValue]?
        if case .object(let members) = logical.auth { auth = members }
        var wrapInfo: [String: JSONValue]?
        if case .object(let members) = logical.wrapInfo { wrapInfo = members }
        // Spelled out: JSONValue takes `nil` as a literal, so `? nil :` would make `.some(.null)`.
        let data: JSONValue? = logical.data == .null ? Optional.none : logical.data
        return AuditResponse(
            auth: auth, data: data, mount: auditMount,
            leaseID: logical.leaseID.isEmpty ? nil : logical.leaseID, wrapInfo: wrapInfo
        )
    }

    private var auditMount: AuditMount? {
        guard let mount else { return nil }
        return AuditMount(
            accessor: mount.accessor, mountClass: mount.table == .auth ? "auth" : "secret", point: mount.routePath, type: mount.type)
    }
}

/// Each device's redacted `auth` and `request` parts of one record, hashed once
/// for its two lines: HMACing the request body twice per device was most of
/// the cost of auditing a request.
final class AuditRedactionCache: Sendable {
    private struct Parts: Sendable {
        /// Held, not just identified: a device disabled between the two lines
        /// cannot be mistaken for a new one at the same address.
        let device: any AuditDevice
        let auth: AuditAuth
        let request: AuditRequest
    }

    private let parts = Mutex<[ObjectIdentifier: Parts]>([:])

    /// The entry as `device` writes it.
    func redacted(_ entry: AuditEntry, for device: any AuditDevice) -> AuditEntry {
        let key = ObjectIdentifier(device)
        var redacted = entry
        if let cached = parts.withLock({ $0[key] }), cached.device === device {
            redacted.auth = cached.auth
            redacted.request = cached.request
        } else {
            redacted.auth = device.redaction.redacted(entry.auth)
            redacted.request = device.redaction.redacted(entry.request)
            let made = Parts(device: device, auth: redacted.auth, request: redacted.request)
            parts.withLock { $0[key] = made }
        }
        redacted.response = entry.response.map(device.redaction.redacted)
        return redacted
    }
}
