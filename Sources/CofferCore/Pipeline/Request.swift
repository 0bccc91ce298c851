import CofferEncoding
import CofferMountKit

/// One API request as the core sees it: no HTTP types, every field decoded.
package struct Request: Sendable {
    package enum Operation: String, Sendable {
        case read, list, write, delete, patch
    }

    package var operation: Operation
    /// The logical path below `/v1/`, no leading slash (`secret/data/ci/production/db`).
    package var path: String
    package var data: [String: JSONValue]
    package var token: String?
    package var clientAddress: String?
    /// The request ID the response carries and the audit log records.
    package var id: String
    /// Seconds to wrap the response for (`X-Vault-Wrap-TTL`), nil when not wrapping.
    package var wrapTTL: Int64? = nil
    /// `?help=1`: the answer is the path's help, not the path's handler.
    package var isHelp = false
    /// The client's TLS certificates, when it presented any on the connection
    /// (or a trusted proxy passed them on).
    package var peerCertificates: PeerCertificates? = nil

    package init(
        operation: Operation, path: String, data: [String: JSONValue] = [:], token: String? = nil,
        clientAddress: String? = nil, id: String = UUIDs.make()
    ) {
        self.operation = operation
        self.path = path
        self.data = data
        self.token = token
        self.clientAddress = clientAddress
        self.id = id
    }
}

extension Request.Operation {
    /// The operation as mounts and route tables name it. A write is an `update`;
    /// only the pipeline, which asks the mount, turns one into a `create`.
    var routeOperation: MountOperation {
        switch self {
        case .read: .read
        case .list: .list
        case .write: .update
        case .delete: .delete
        case .patch: .patch
        }
    }
}
