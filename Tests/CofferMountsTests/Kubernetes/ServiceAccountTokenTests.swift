import CofferEncoding
import Testing

@testable import CofferMounts

/// Which service account a token claims: projected claims first, legacy ones
/// otherwise, and a token with claims of the wrong type read as nothing.
@Suite struct ServiceAccountTokenTests {
    static let projected: [String: JSONValue] = [
        "aud": ["https://kubernetes.default.svc.cluster.local"],
        "kubernetes.io": ["namespace": "ci", "serviceaccount": ["name": "circleci-runner", "uid": "u-1"]],
    ]
    static let legacy: [String: JSONValue] = [
        "kubernetes.io/serviceaccount/namespace": "ci",
        "kubernetes.io/serviceaccount/service-account.name": "old-runner",
        "kubernetes.io/serviceaccount/service-account.uid": "u-2",
        "kubernetes.io/serviceaccount/secret.name": "old-runner-token-x",
    ]

    @Test("projected claims name the account")
    func projectedClaims() throws {
        let token = try #require(ServiceAccountToken(claims: Self.projected))
        #expect(token.name == "circleci-runner" && token.namespace == "ci" && token.uid == "u-1" && token.secretName == "")
        #expect(token.audiences == ["https://kubernetes.default.svc.cluster.local"])
        #expect(token.username == "system:serviceaccount:ci:circleci-runner")
    }

    @Test("legacy claims name the account, with its secret and no audience")
    func legacyClaims() throws {
        let token = try #require(ServiceAccountToken(claims: Self.legacy))
        #expect(token.name == "old-runner" && token.namespace == "ci" && token.uid == "u-2")
        #expect(token.secretName == "old-runner-token-x" && token.audiences.isEmpty)
    }

    @Test("projected claims win over legacy ones in the same token")
    func projectedWins() throws {
        let both = Self.legacy.merging(Self.projected) { _, new in new }
        let token = try #require(ServiceAccountToken(claims: both))
        #expect(token.name == "circleci-runner" && token.uid == "u-1")
    }

    @Test(
        "a claim of the wrong type makes no identity",
        arguments: [
            ["kubernetes.io": 7],
            ["kubernetes.io": ["namespace": 7]],
            ["kubernetes.io": ["namespace": "ci", "serviceaccount": ["name": ["x"], "uid": "u"]]],
            ["kubernetes.io": ["namespace": "ci", "serviceaccount": "x"]],
            ["kubernetes.io/serviceaccount/service-account.name": .double(1.5)],
            ["aud": 3],
            ["aud": ["a", 1]],
        ] as [[String: JSONValue]])
    func wrongTypes(_ claims: [String: JSONValue]) {
        #expect(ServiceAccountToken(claims: claims) == nil)
    }

    @Test(
        "only RFC 1123 labels are namespace names",
        arguments: [
            ("ci", true), ("runners-a", true), ("a", true), (String(repeating: "a", count: 63), true),
            ("", false), ("CI", false), ("-ci", false), ("ci-", false), ("../x", false), ("ci/x", false),
            ("ci?x=1", false), ("ci%2F", false), ("ci.x", false), (String(repeating: "a", count: 64), false), ("ci\u{0}", false),
        ])
    func namespaceNames(_ text: String, _ valid: Bool) {
        #expect(ServiceAccountToken.isNamespaceName(text) == valid)
    }
}
