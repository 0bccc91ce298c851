import CofferEncoding
import Foundation
import Testing

@testable import CofferMounts

/// The TokenReview as OpenBao sends it and every check of the answer
/// (spec/vault-api.md §10.3), without a network.
@Suite struct TokenReviewTests {
    static let audience = "https://kubernetes.default.svc.cluster.local"

    static func answer(_ status: JSONValue) -> [UInt8] {
        let body: JSONValue = ["kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1", "status": status]
        return Array(body.serialized())
    }

    static let confirmed: JSONValue = [
        "authenticated": true, "audiences": [.string(audience)],
        "user": ["username": "system:serviceaccount:ci:circleci-runner", "uid": "u-1"],
    ]

    @Test("the request body has the captured members and nothing else")
    func requestBody() throws {
        let body = try JSONValue.parse(TokenReview.requestBody(token: "t", audiences: [Self.audience]))
        #expect(body == ["metadata": [:], "spec": ["token": "t", "audiences": [.string(Self.audience)]], "status": ["user": [:]]])
        let none = try JSONValue.parse(TokenReview.requestBody(token: "t", audiences: []))
        #expect(none["spec"] == ["token": "t"])
    }

    @Test("a confirming answer names the account")
    func confirmed() throws {
        let reviewed = try TokenReview.interpret(status: 201, body: Self.answer(Self.confirmed), audiences: [Self.audience])
        #expect(reviewed == .init(name: "circleci-runner", namespace: "ci", uid: "u-1"))
    }

    /// An answer that does not confirm the token, and a word of the reason it gives.
    struct Row: Sendable, CustomTestStringConvertible {
        let status: Int
        let body: [UInt8]
        let reason: String
        var testDescription: String { reason }
    }

    static func user(_ username: String, audiences: [String] = [audience]) -> JSONValue {
        ["authenticated": true, "audiences": JSONValue(audiences), "user": ["username": .string(username)]]
    }

    static let refusals: [Row] = [
        Row(status: 401, body: answer(confirmed), reason: "deleted or recreated"),
        Row(status: 500, body: answer(confirmed), reason: "HTTP 500"),
        Row(status: 199, body: answer(confirmed), reason: "HTTP 199"),
        Row(status: 201, body: Array(#"{"kind":"Status","status":"Failure","message":"forbidden"}"#.utf8), reason: "Failure"),
        Row(status: 201, body: Array("not json".utf8), reason: "not a JSON object"),
        Row(status: 201, body: answer(["error": "token has been invalidated", "authenticated": true]), reason: "invalidated"),
        Row(status: 201, body: answer(["authenticated": false, "user": [:]]), reason: "not valid"),
        Row(status: 201, body: answer(["authenticated": "true", "user": [:]]), reason: "not valid"),
        Row(status: 201, body: answer(user("system:serviceaccount:ci:x", audiences: ["other"])), reason: "but wanted"),
        Row(status: 201, body: answer(user("ci:x")), reason: "username format"),
        Row(status: 201, body: answer(user("system:node:ci:x")), reason: "not a service account"),
        Row(status: 201, body: answer(["authenticated": true, "audiences": [.string(audience)], "user": 5]), reason: "username format"),
    ]

    @Test("every answer that does not confirm the token is refused, with its reason", arguments: refusals)
    func refused(_ row: Row) {
        #expect {
            _ = try TokenReview.interpret(status: row.status, body: row.body, audiences: [Self.audience])
        } throws: { error in
            (error as? TokenReview.Refusal)?.description.contains(row.reason) == true
        }
    }

    @Test("no audiences asked: the answer's audiences are not checked")
    func noAudiences() throws {
        let status: JSONValue = ["authenticated": true, "user": ["username": "system:serviceaccount:ci:r", "uid": "u"]]
        #expect(try TokenReview.interpret(status: 200, body: Self.answer(status), audiences: []).name == "r")
    }

    @Test("name, uid and namespace must all be the token's")
    func confirm() throws {
        let token = try #require(
            ServiceAccountToken(claims: ["kubernetes.io": ["namespace": "ci", "serviceaccount": ["name": "r", "uid": "u"]]]))
        #expect(throws: Never.self) { try TokenReview.confirm(.init(name: "r", namespace: "ci", uid: "u"), claims: token) }
        for other in [
            TokenReview.Reviewed(name: "x", namespace: "ci", uid: "u"), .init(name: "r", namespace: "x", uid: "u"),
            .init(name: "r", namespace: "ci", uid: "x"),
        ] {
            #expect(throws: TokenReview.Refusal.self) { try TokenReview.confirm(other, claims: token) }
        }
    }

    @Test("namespace labels come from metadata.labels; an error status refuses")
    func namespaceLabels() throws {
        let namespace: JSONValue = ["kind": "Namespace", "metadata": ["name": "ci", "labels": ["team": "a"]]]
        #expect(try TokenReview.namespaceLabels(status: 200, body: Array(namespace.serialized())) == ["team": "a"])
        let unlabelled: JSONValue = ["kind": "Namespace", "metadata": ["name": "ci"]]
        #expect(try TokenReview.namespaceLabels(status: 200, body: Array(unlabelled.serialized())) == [:])
        let missing: JSONValue = ["kind": "Status", "status": "Failure", "code": 404]
        #expect(throws: TokenReview.Refusal.self) { try TokenReview.namespaceLabels(status: 404, body: Array(missing.serialized())) }
        let odd: JSONValue = ["metadata": ["labels": ["team": 1]]]
        #expect(throws: TokenReview.Refusal.self) { try TokenReview.namespaceLabels(status: 200, body: Array(odd.serialized())) }
    }
}
