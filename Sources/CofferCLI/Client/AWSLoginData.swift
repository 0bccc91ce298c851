import CofferEncoding
import CofferMounts
import Foundation

/// The login body of `coffer login -method=aws`: a GetCallerIdentity request
/// signed with the user's AWS credentials, in the fields Vault's CLI sends
/// (`iam_http_request_method`, and base64 of the URL, the headers as a JSON
/// object of lists, and the body). The request is never sent to AWS by the
/// CLI: the server sends it, to the STS endpoint it is configured with.
enum AWSLoginData {
    static let body = "Action=GetCallerIdentity&Version=2011-06-15"

    /// `region`: the STS region to sign for (its regional host, except
    /// us-east-1's global `sts.amazonaws.com`, as the AWS SDK for Go picks).
    static func fields(
        credentials: SigV4Signer.Credentials, region: String, serverID: String?, date: Date = Date()
    ) -> [String: JSONValue] {
        let host = region == "us-east-1" ? "sts.amazonaws.com" : "sts.\(region).amazonaws.com"
        var headers: [(String, String)] = [
            ("Host", host), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        if let serverID, !serverID.isEmpty { headers.append(("X-Vault-AWS-IAM-Server-ID", serverID)) }
        let signer = SigV4Signer(credentials: credentials, region: region, service: "sts")
        let signed = signer.signed(method: "POST", path: "/", headers: headers, body: Array(body.utf8), date: date)
        var object: [String: JSONValue] = [:]
        for (name, value) in signed { object[name] = [.string(value)] }
        let headersJSON = JSONValue.object(object).serialized()
        return [
            "iam_http_request_method": "POST",
            "iam_request_url": .string(Data("https://\(host)/".utf8).base64EncodedString()),
            "iam_request_headers": .string(headersJSON.base64EncodedString()),
            "iam_request_body": .string(Data(body.utf8).base64EncodedString()),
        ]
    }
}
