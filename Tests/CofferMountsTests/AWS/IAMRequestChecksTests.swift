import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// What Coffer forwards to STS: only a signed POST of GetCallerIdentity to the
/// root of the host it was signed for, carrying the signed server-ID header
/// when the mount requires one. Each refusal happens before any network call.
@Suite struct IAMRequestChecksTests {
    static let signer = SigV4Signer(
        credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "not-a-real-key"), region: "us-east-1", service: "sts")

    /// Login fields as hvac and Vault's CLI build them, with parts to change.
    static func fields(
        method: String = "POST", url: String = "https://sts.amazonaws.com/",
        body: String = "Action=GetCallerIdentity&Version=2011-06-15", serverID: String? = nil, signServerID: Bool = true,
        drop: String? = nil, signer: SigV4Signer = IAMRequestChecksTests.signer
    ) -> RequestFields {
        var headers = [("Host", "sts.amazonaws.com"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
        if let serverID, signServerID { headers.append(("X-Vault-AWS-IAM-Server-ID", serverID)) }
        var signed = signer.signed(method: "POST", path: "/", headers: headers, body: Array(body.utf8), date: Date())
        if let serverID, !signServerID { signed.append(("X-Vault-AWS-IAM-Server-ID", serverID)) }
        if let drop { signed.removeAll { $0.0 == drop } }
        var object: [String: JSONValue] = [:]
        for (name, value) in signed { object[name] = [.string(value)] }
        return RequestFields([
            "iam_http_request_method": .string(method),
            "iam_request_url": .string(Data(url.utf8).base64EncodedString()),
            "iam_request_headers": .string(JSONValue.object(object).serialized().base64EncodedString()),
            "iam_request_body": .string(Data(body.utf8).base64EncodedString()),
        ])
    }

    /// The name of the failed check, or nil when every check passed.
    static func failedCheck(_ fields: RequestFields, config: AWSClientConfig = AWSClientConfig()) async throws -> String? {
        let request = try IAMLoginRequest(fields)
        let decision = try await LoginDecision<AWSLoginFailure>.run { log in
            try IAMRequestChecks(request: request, config: config).run(&log)
            return MountAuth(policies: [], displayName: "", metadata: [:], tokenSettings: TokenSettings(), aliasName: "")
        }
        return decision.failedCheck?.name
    }

    static var serverIDConfig: AWSClientConfig {
        var config = AWSClientConfig()
        config.iamServerIDHeaderValue = "coffer.example.com"
        return config
    }

    @Test("a signed GetCallerIdentity passes every check")
    func wellFormed() async throws {
        #expect(try await Self.failedCheck(Self.fields()) == nil)
        #expect(try await Self.failedCheck(Self.fields(serverID: "coffer.example.com"), config: Self.serverIDConfig) == nil)
    }

    @Test("another action, method, URL or an unsigned request is refused before STS")
    func refusedShapes() async throws {
        #expect(try await Self.failedCheck(Self.fields(method: "GET")) == "iam_http_request_method")
        #expect(try await Self.failedCheck(Self.fields(url: "https://sts.amazonaws.com/?Action=GetCallerIdentity")) == "iam_request_url")
        #expect(try await Self.failedCheck(Self.fields(url: "https://sts.amazonaws.com/other")) == "iam_request_url")
        #expect(try await Self.failedCheck(Self.fields(url: "file:///etc/passwd")) == "iam_request_url")
        #expect(try await Self.failedCheck(Self.fields(url: "https://evil.example/")) == "host")
        #expect(try await Self.failedCheck(Self.fields(body: "Action=AssumeRole&Version=2011-06-15")) == "iam_request_body")
        #expect(
            try await Self.failedCheck(Self.fields(body: "Action=GetCallerIdentity&Version=2011-06-15&RoleArn=x")) == "iam_request_body")
        #expect(try await Self.failedCheck(Self.fields(drop: "Authorization")) == "iam_request_headers.authorization")
        let iamSigner = SigV4Signer(credentials: Self.signer.credentials, region: "us-east-1", service: "iam")
        #expect(try await Self.failedCheck(Self.fields(signer: iamSigner)) == "iam_request_headers.authorization")
    }

    @Test("the server-ID header must be present, equal and signed when configured")
    func serverID() async throws {
        let config = Self.serverIDConfig
        #expect(try await Self.failedCheck(Self.fields(), config: config) == "iam_server_id_header_value")
        #expect(try await Self.failedCheck(Self.fields(serverID: "other.example.com"), config: config) == "iam_server_id_header_value")
        #expect(
            try await Self.failedCheck(Self.fields(serverID: "coffer.example.com", signServerID: false), config: config)
                == "iam_server_id_header_value")
    }

    @Test("a request signed for another region than sts_region is refused")
    func stsRegion() async throws {
        var config = AWSClientConfig()
        config.stsEndpoint = "https://sts.eu-west-1.amazonaws.com"
        config.stsRegion = "eu-west-1"
        #expect(try await Self.failedCheck(Self.fields(), config: config) == "iam_request_headers.authorization")
    }

    @Test("oversized or undecodable parts are refused while decoding")
    func bounds() {
        var raw = Self.fields().raw
        raw["iam_request_body"] = .string(Data(repeating: 65, count: 10_000).base64EncodedString())
        #expect(throws: MountError.self) { try IAMLoginRequest(RequestFields(raw)) }
        raw = Self.fields().raw
        raw["iam_request_url"] = "%%%"
        #expect(throws: MountError.self) { try IAMLoginRequest(RequestFields(raw)) }
        raw = Self.fields().raw
        raw["iam_request_headers"] = ["Authorization": "x\r\nInjected: 1"]
        #expect(throws: MountError.self) { try IAMLoginRequest(RequestFields(raw)) }
        raw = Self.fields().raw
        raw["iam_request_headers"] = .array([])
        #expect(throws: MountError.self) { try IAMLoginRequest(RequestFields(raw)) }
    }

    @Test("STS answers are read for the caller, and errors summarised")
    func answers() {
        let ok = Array(
            """
            <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>\
            <UserId>AROAEXAMPLE:job-1</UserId><Account>123456789012</Account>\
            <Arn>arn:aws:sts::123456789012:assumed-role/ci/job-1</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>
            """.utf8)
        #expect(
            AWSQueryAnswer.callerIdentity(ok)
                == .init(arn: "arn:aws:sts::123456789012:assumed-role/ci/job-1", userID: "AROAEXAMPLE:job-1", account: "123456789012"))
        #expect(AWSQueryAnswer.callerIdentity(Array("<html/>".utf8)) == nil)
        let error = Array(
            "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>bad &amp; wrong</Message></Error></ErrorResponse>".utf8)
        #expect(AWSQueryAnswer.errorSummary(error) == "SignatureDoesNotMatch: bad & wrong")
    }
}
