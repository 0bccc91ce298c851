import CofferEncoding
import CofferMounts
import Foundation
import Testing

@testable import CofferCLI

/// `coffer login -method=aws`: where its credentials come from, and the login
/// body it builds (Vault's CLI's fields, base64 as the server decodes them).
@Suite struct AWSLoginDataTests {
    @Test("the named profile of a shared credentials file is read, not another")
    func credentialsFile() throws {
        let text = """
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = default-secret

            # the CI profile
            [ci]
            aws_access_key_id=AKIDCI
            aws_secret_access_key = ci-secret
            aws_session_token = ci-session
            """
        let values = try #require(AWSCredentialSource.profileValues(text, profile: "ci"))
        #expect(values["aws_access_key_id"] == "AKIDCI" && values["aws_session_token"] == "ci-session")
        #expect(AWSCredentialSource.profileValues(text, profile: "missing") == nil)
    }

    @Test("arguments win over the environment, which wins over the file")
    func order() throws {
        let env = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "HOME": "/nonexistent"]
        let fromPairs = try AWSCredentialSource.resolve(
            pairs: ["aws_access_key_id": "AKIDARG", "aws_secret_access_key": "arg-secret"], environment: env)
        #expect(fromPairs.accessKeyID == "AKIDARG")
        #expect(try AWSCredentialSource.resolve(pairs: [:], environment: env).accessKeyID == "AKIDENV")
        #expect(throws: CLIError.self) { try AWSCredentialSource.resolve(pairs: [:], environment: ["HOME": "/nonexistent"]) }
    }

    @Test("the login body is a signed GetCallerIdentity for the region's STS host, with the server-ID header signed")
    func body() throws {
        let fields = AWSLoginData.fields(
            credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "not-a-real-key"), region: "eu-west-1",
            serverID: "coffer.example.com")
        #expect(fields["iam_http_request_method"] == "POST")
        let url = try #require(fields["iam_request_url"]?.stringValue.flatMap { Data(base64Encoded: $0) })
        #expect(String(decoding: url, as: UTF8.self) == "https://sts.eu-west-1.amazonaws.com/")
        let body = try #require(fields["iam_request_body"]?.stringValue.flatMap { Data(base64Encoded: $0) })
        #expect(String(decoding: body, as: UTF8.self) == "Action=GetCallerIdentity&Version=2011-06-15")
        let headersJSON = try #require(fields["iam_request_headers"]?.stringValue.flatMap { Data(base64Encoded: $0) })
        let headers = try #require(try JSONValue.parse(headersJSON).objectValue)
        let authorization = try #require(headers["Authorization"]?.arrayValue?.first?.stringValue)
        #expect(authorization.contains("/eu-west-1/sts/aws4_request"))
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-vault-aws-iam-server-id"))
    }
}
