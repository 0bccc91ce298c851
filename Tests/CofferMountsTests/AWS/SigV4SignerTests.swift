import Foundation
import Testing

@testable import CofferMounts

/// The signer `coffer login -method=aws` and the IAM lookups use: AWS's own
/// worked example must come out to AWS's signature.
@Suite struct SigV4SignerTests {
    /// AWS's documented example (sigv4 "create canonical request" to "calculate
    /// signature"): `GET iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08`
    /// on 2015-08-30T12:36:00Z with the documentation's example key.
    @Test("AWS's worked example signs to AWS's signature")
    func documentedExample() throws {
        let signer = SigV4Signer(
            credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "iam")
        let date = Date(timeIntervalSince1970: 1_440_938_160)
        let headers = signer.signed(
            method: "GET", path: "/", query: [("Action", "ListUsers"), ("Version", "2010-05-08")],
            headers: [("Host", "iam.amazonaws.com"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: [], date: date)
        let authorization = try #require(headers.first { $0.0 == "Authorization" }?.1)
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        #expect(headers.contains { $0 == ("X-Amz-Date", "20150830T123600Z") })
    }

    @Test("temporary credentials add and sign the session token")
    func sessionToken() throws {
        let signer = SigV4Signer(
            credentials: .init(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "session"), region: "eu-west-1",
            service: "sts")
        let headers = signer.signed(method: "POST", path: "/", headers: [("Host", "sts.eu-west-1.amazonaws.com")], body: [], date: Date())
        #expect(headers.contains { $0 == ("X-Amz-Security-Token", "session") })
        let header = try #require(headers.first { $0.0 == "Authorization" }?.1)
        let authorization = try #require(SigV4Authorization(header))
        #expect(authorization.signedHeaders == ["host", "x-amz-date", "x-amz-security-token"])
        #expect(authorization.region == "eu-west-1" && authorization.service == "sts" && authorization.accessKeyID == "ASIAEXAMPLE")
    }

    @Test(
        "a malformed Authorization header reads as nothing",
        arguments: [
            "", "AWS4-HMAC-SHA256", "Basic abc",
            "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=zz",
            "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/sts, SignedHeaders=host, Signature=" + String(repeating: "a", count: 64),
            "AWS4-HMAC-SHA256 Credential=A/1/r/sts/aws4_request, SignedHeaders=host, SignedHeaders=x, Signature="
                + String(repeating: "a", count: 64),
        ])
    func malformedAuthorization(header: String) {
        #expect(SigV4Authorization(header) == nil)
    }
}
