import CofferEncoding
import CofferMountKit

/// One API answer as the core gives it; the HTTP layer only writes it out.
package enum Response: Sendable {
    /// The standard envelope (`request_id`, `data`, `auth`, ...).
    case logical(LogicalResponse)
    /// Success with nothing to say (204).
    case noContent
    /// Queued for later, with nothing to say (202): a non-sync lease revocation.
    case accepted
    /// A plain JSON object with its own status (`sys/health`, `sys/seal-status`, ...).
    case raw(status: Int, body: [(String, JSONValue)])
    /// A body that is not JSON, with its own status and type (`sys/metrics?format=prometheus`).
    case text(status: Int, contentType: String, body: String)
    case error(CoreError)
}

/// The envelope's contents (spec/vault-api.md §2.1).
package struct LogicalResponse: Sendable {
    package var requestID: String
    package var leaseID: String = ""
    package var renewable: Bool = false
    package var leaseDuration: Int64 = 0
    package var data: JSONValue = .null
    package var wrapInfo: JSONValue = .null
    package var warnings: [String] = []
    package var auth: JSONValue = .null
    /// Also write `data`'s keys at the top level, as some `sys/` endpoints do (§2.6).
    package var copiesDataToTop = false
    /// Answer 404 while still showing the envelope (deleted KV v2 versions).
    package var isNotFound = false

    package init(requestID: String, data: JSONValue = .null) {
        self.requestID = requestID
        self.data = data
    }
}
