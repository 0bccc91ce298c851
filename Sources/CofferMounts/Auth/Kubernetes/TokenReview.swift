import CofferEncoding
import Foundation

/// A TokenReview as the plugin sends it and reads it back
/// (spec/vault-api.md §10.3, `k8s-login` `upstream_calls`): the request body,
/// and what the answer must say for the login to go on. No I/O: the client
/// (`KubernetesAPIClient`) sends the bytes and hands back status and body.
enum TokenReview {
    /// `POST {host}` + this.
    static let path = "/apis/authentication.k8s.io/v1/tokenreviews"

    /// The body, exactly as OpenBao's Go client writes it: no `kind` or
    /// `apiVersion`, empty `metadata` and `status.user`, and no `audiences`
    /// member when there are none (Go's `omitempty`).
    static func requestBody(token: String, audiences: [String]) -> Data {
        var spec: [String: JSONValue] = ["token": .string(token)]
        if !audiences.isEmpty { spec["audiences"] = JSONValue(audiences) }
        let body: JSONValue = ["metadata": [:], "spec": .object(spec), "status": ["user": [:]]]
        return body.serialized()
    }

    /// Who the API server says the token belongs to.
    struct Reviewed: Sendable, Equatable {
        let name: String
        let namespace: String
        let uid: String
    }

    /// Why the answer does not confirm the token: for the server log and the
    /// audit line only. Never quotes the token.
    struct Refusal: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    /// Reads the API server's answer to a review that asked for `audiences`.
    static func interpret(status: Int, body: [UInt8], audiences: [String]) throws(Refusal) -> Reviewed {
        guard (200...206).contains(status) else {
            if status == 401 {
                throw Refusal(
                    description:
                        "lookup failed: service account unauthorized; this could mean it has been deleted or recreated with a new token")
            }
            throw Refusal(description: "lookup failed: the API server answered HTTP \(status)")
        }
        guard case .object(let review)? = try? JSONValue.parse(body) else {
            throw Refusal(description: "lookup failed: the answer is not a JSON object")
        }
        // A `kind: Status` answer whose status is not Success is an API error.
        if case .string(let outcome)? = review["status"], outcome != "Success" {
            throw Refusal(description: "lookup failed: API status \(outcome): \(review["message"]?.stringValue ?? "")")
        }
        let result = review["status"]?.objectValue ?? [:]
        if let error = result["error"]?.stringValue, !error.isEmpty {
            throw Refusal(description: "lookup failed: \(error)")
        }
        guard result["authenticated"] == .bool(true) else {
            throw Refusal(description: "lookup failed: service account jwt not valid")
        }
        if !audiences.isEmpty {
            let granted = result["audiences"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard audiences.contains(where: granted.contains) else {
                throw Refusal(description: "lookup failed: service account jwt valid for audience(s) \(granted), but wanted \(audiences)")
            }
        }
        let user = result["user"]?.objectValue ?? [:]
        let parts = (user["username"]?.stringValue ?? "").split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw Refusal(description: "lookup failed: unexpected username format") }
        guard parts[0] == "system", parts[1] == "serviceaccount" else {
            throw Refusal(description: "lookup failed: username returned is not a service account")
        }
        return Reviewed(name: String(parts[3]), namespace: String(parts[2]), uid: user["uid"]?.stringValue ?? "")
    }

    /// The review must name the account the token claims: name, uid and namespace.
    static func confirm(_ reviewed: Reviewed, claims token: ServiceAccountToken) throws(Refusal) {
        if reviewed.name != token.name { throw Refusal(description: "JWT names did not match") }
        if reviewed.uid != token.uid { throw Refusal(description: "JWT UIDs did not match") }
        if reviewed.namespace != token.namespace { throw Refusal(description: "JWT namespaces did not match") }
    }

    /// The labels of a namespace read (`GET /api/v1/namespaces/<name>`).
    static func namespaceLabels(status: Int, body: [UInt8]) throws(Refusal) -> [String: String] {
        guard case .object(let object)? = try? JSONValue.parse(body) else {
            throw Refusal(description: "namespace lookup failed: HTTP \(status), the answer is not a JSON object")
        }
        if status != 200 {
            let outcome = object["status"]?.stringValue ?? ""
            guard outcome == "Success" else {
                throw Refusal(
                    description: "failed to get namespace (code \(status) status \(outcome): \(object["message"]?.stringValue ?? ""))")
            }
        }
        var labels: [String: String] = [:]
        for (key, value) in object["metadata"]?["labels"]?.objectValue ?? [:] {
            guard let text = value.stringValue else { throw Refusal(description: "namespace lookup failed: label \(key) is not a string") }
            labels[key] = text
        }
        return labels
    }
}
