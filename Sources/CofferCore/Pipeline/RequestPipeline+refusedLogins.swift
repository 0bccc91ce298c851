import CofferMountKit
import Logging

extension RequestPipeline {
    private static let loginLog = Logger(label: "coffer.login")

    /// A refused login keeps Vault's message for the client, but the audit line
    /// and the server log say which check refused it, with both values (issue
    /// 17). Runs on the error path only: a granted login pays nothing.
    static func noteRefusedLogin(_ error: any Error, _ record: inout AuditRecord) {
        guard let summary = (error as? MountError)?.explanation else { return }
        record.explanation = summary
        loginLog.notice(
            "login refused",
            metadata: ["path": "\(record.request.path)", "request_id": "\(record.request.id)", "explain": "\(summary)"])
    }
}
