import CofferMountKit
import Foundation
import Testing

@testable import CofferCore

/// The entry the pipeline's record makes, before redaction: what is left out
/// must stay out (the bytes of `scripts/audit-compare` depend on it).
@Suite struct AuditRecordTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a login answer without data has no data member, and the request no token fields")
    func loginAnswer() {
        let request = Request(operation: .write, path: "auth/approle/login", data: ["role_id": "r"], clientAddress: "127.0.0.1", id: "id")
        var answer = LogicalResponse(requestID: "id")
        answer.auth = ["client_token": "t", "accessor": "a"]
        let entry = AuditRecord(request: request).entry(.response, response: .logical(answer), time: Self.time)
        #expect(entry.response?.data == nil)
        #expect(entry.response?.auth?["client_token"] == "t")
        #expect(entry.response?.leaseID == nil && entry.response?.wrapInfo == nil)
        #expect(entry.auth == .noToken)
        #expect(entry.request.clientToken == nil && entry.request.clientTokenAccessor == nil)
        #expect(entry.request.operation == "update" && entry.time == Self.time)
    }

    @Test("a request line has no response; an empty body is left out")
    func requestLine() {
        let record = AuditRecord(request: Request(operation: .read, path: "secret/data/x", token: "unchecked", id: "id"))
        let entry = record.entry(.request, response: nil, time: Self.time)
        #expect(entry.response == nil && entry.request.data == nil)
        // A token that was sent but never found is not echoed, even hashed.
        #expect(entry.request.clientToken == nil && entry.auth.clientToken == nil)
    }

    @Test("a response line for a non-logical answer still has a response object")
    func noContent() {
        let entry = AuditRecord(request: Request(operation: .delete, path: "x", id: "id")).entry(
            .response, response: .noContent, time: Self.time)
        #expect(entry.response == AuditResponse())
        #expect(String(decoding: AuditEntryWriter.line(entry), as: UTF8.self).contains(#""response":{},"#))
    }
}
