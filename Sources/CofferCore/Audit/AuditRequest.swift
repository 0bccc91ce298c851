import CofferEncoding
import CofferMountKit

/// The `request` object of an audit line: what the client asked for.
package struct AuditRequest: Sendable, Equatable {
    /// Sensitive.
    package var clientToken: String?
    /// Sensitive (as an accessor).
    package var clientTokenAccessor: String?
    /// The request body; every string leaf is sensitive. Nil when empty.
    package var data: [String: JSONValue]?
    package var id: String
    package var mount: AuditMount?
    /// Coffer has only the root namespace.
    package var namespaceID: String = "root"
    /// `create` and `update` as the mount decided, not the HTTP verb.
    package var operation: String
    package var path: String
    package var remoteAddress: String?
    /// The client's TLS certificate (subject and serial number), when it
    /// presented one: who connected, never a secret.
    package var clientCertificate: PeerCertificates?
    package var wrapTTL: Int64?

    package init(
        clientToken: String? = nil, clientTokenAccessor: String? = nil, data: [String: JSONValue]? = nil, id: String,
        mount: AuditMount? = nil, operation: String, path: String, remoteAddress: String? = nil, wrapTTL: Int64? = nil
    ) {
        self.clientToken = clientToken
        self.clientTokenAccessor = clientTokenAccessor
        self.data = data
        self.id = id
        self.mount = mount
        self.operation = operation
        self.path = path
        self.remoteAddress = remoteAddress
        self.wrapTTL = wrapTTL
    }
}

/// The `response` object of an audit line: the answer as the client got it.
package struct AuditResponse: Sendable, Equatable {
    /// The login's `auth` block as sent; `client_token` and `accessor` are sensitive.
    package var auth: [String: JSONValue]?
    /// Every string leaf is sensitive.
    package var data: JSONValue?
    package var mount: AuditMount?
    /// Written as `secret: {lease_id}`; lease ids are not secret (Vault keeps them clear).
    package var leaseID: String?
    /// `token` is sensitive, `accessor` and `wrapped_accessor` are accessors.
    package var wrapInfo: [String: JSONValue]?

    package init(
        auth: [String: JSONValue]? = nil, data: JSONValue? = nil, mount: AuditMount? = nil, leaseID: String? = nil,
        wrapInfo: [String: JSONValue]? = nil
    ) {
        self.auth = auth
        self.data = data
        self.mount = mount
        self.leaseID = leaseID
        self.wrapInfo = wrapInfo
    }
}

/// The mount a request routed to, named in both lines (never sensitive).
package struct AuditMount: Sendable, Equatable {
    package var accessor: String
    /// `auth` or `secret`.
    package var mountClass: String
    package var point: String
    /// The version OpenBao reports for its built-in plugins, which clients may check.
    package var runningVersion: String
    package var type: String

    package init(accessor: String, mountClass: String, point: String, runningVersion: String = "v2.7.2+builtin.bao", type: String) {
        self.accessor = accessor
        self.mountClass = mountClass
        self.point = point
        self.runningVersion = runningVersion
        self.type = type
    }
}
