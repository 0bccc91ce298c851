import CofferEncoding
import CofferMountKit
import Foundation
import Testing
import X509

@testable import CofferMounts

/// The cert login's decisions: which role takes a certificate, in which order,
/// and each refusal in OpenBao's words and status.
@Suite struct CertLoginTests {
    let view = StorageView(storage: PlainStorage(), prefix: "logical/cert/")
    let pki: CertTestPKI
    var mount: CertAuthMount { CertAuthMount(storage: view, ocsp: OCSPChecker(timeout: .seconds(1))) }

    init() throws {
        pki = try CertTestPKI()
    }

    func request(_ operation: MountOperation, _ path: String, _ data: [String: JSONValue] = [:], presenting chain: [Certificate]? = nil)
        throws -> MountRequest
    {
        let peer = try chain.map { chain in
            PeerCertificates(chain: try chain.map(CertTestPKI.der), leafSubject: chain[0].subject.description, leafSerialNumber: "1")
        }
        return MountRequest(
            operation: operation, path: path, fields: RequestFields(data), storage: view, mountPath: "auth/cert/",
            clientAddress: "10.0.0.5", peerCertificates: peer)
    }

    /// Writes role `name` trusting `certificate` (the root CA by default).
    func role(_ name: String, _ fields: [String: JSONValue] = [:], certificate: Certificate? = nil) async throws {
        var body = fields
        body["certificate"] = .string(try CertTestPKI.pem(certificate ?? pki.root.certificate))
        if body["token_policies"] == nil { body["token_policies"] = "ci" }
        _ = try await mount.handle(request(.update, "certs/" + name, body))
    }

    func login(_ leaf: Certificate, name: String? = nil, chain: [Certificate]? = nil) async throws -> LoginDecision<CertLoginFailure> {
        let fields: [String: JSONValue] = name.map { ["name": .string($0)] } ?? [:]
        return try await mount.decideLogin(request(.update, "login", fields, presenting: chain ?? [leaf, pki.intermediate.certificate]))
    }

    static let runnerRole: [String: JSONValue] = [
        "allowed_common_names": ["ci-runner.example.com", "*.ci.example.com"], "allowed_dns_sans": ["ci-runner.example.com"],
        "allowed_email_sans": ["ci@example.com"], "allowed_uri_sans": ["spiffe://example.com/ci/*"],
        "allowed_organizational_units": ["platform"], "required_extensions": ["1.3.6.1.4.1.55555.1.1:prod"],
        "allowed_metadata_extensions": ["1.3.6.1.4.1.55555.1.1"], "display_name": "runner",
    ]

    @Test("a leaf through the intermediate meets every constraint of the role and gets its token and metadata")
    func granted() async throws {
        try await role("ci-runner", Self.runnerRole)
        let leaf = try pki.leaf()
        let decision = try await login(leaf, name: "ci-runner")
        let auth = try #require(decision.auth)
        #expect(auth.policies == ["ci"] && auth.displayName == "cert-runner" && auth.aliasName == "ci-runner.example.com")
        #expect(auth.metadata["cert_name"] == "ci-runner" && auth.metadata["common_name"] == "ci-runner.example.com")
        #expect(auth.metadata["serial_number"] == SerialNumbers.decimal(leaf.serialNumber.bytes))
        #expect(auth.metadata["1-3-6-1-4-1-55555-1-1"] == "prod")
        #expect(auth.metadata["subject_key_id"]?.split(separator: ":").count == 20)
        #expect(decision.checks.map(\.name) == ["client_certificate", "validity", "chain", "certs/ci-runner"])
    }

    @Test("one mount between logins: a role rewritten to another CA, or deleted, takes effect at the next login")
    func keptRolesAndChainsFollowWrites() async throws {
        let mount = self.mount
        func write(_ path: String, _ body: [String: JSONValue]) async throws {
            _ = try await mount.handle(request(.update, path, body))
        }
        let leaf = try pki.leaf()
        let chain = [leaf, pki.intermediate.certificate]
        func login() async throws -> LoginDecision<CertLoginFailure> {
            try await mount.decideLogin(request(.update, "login", ["name": "ci"], presenting: chain))
        }
        try await write("certs/ci", ["certificate": .string(try CertTestPKI.pem(pki.root.certificate)), "token_policies": "ci"])
        #expect(try await login().auth != nil)
        #expect(try await login().auth != nil)  // the kept role and chain

        let other = try CertTestPKI.authority("other", issuer: nil, now: pki.now)
        try await write("certs/ci", ["certificate": .string(try CertTestPKI.pem(other.certificate)), "token_policies": "ci"])
        #expect(try await login().error == .invalidCredentials("invalid certificate or no client certificate supplied"))

        try await write("certs/ci", ["certificate": .string(try CertTestPKI.pem(pki.root.certificate)), "token_policies": "ci"])
        #expect(try await login().auth != nil)
        _ = try await mount.handle(request(.delete, "certs/ci"))
        #expect(try await login().auth == nil)
    }

    @Test("no certificate on the connection is a 400 before anything else")
    func noCertificate() async throws {
        try await role("ci-runner")
        let decision = try await mount.decideLogin(request(.update, "login", ["name": "ci-runner"]))
        #expect(decision.failedCheck?.name == "client_certificate")
        #expect(decision.error == .badRequest("no client certificate found"))
    }

    @Test("an expired or not yet valid leaf is OpenBao's verification error, a 500", arguments: [-7200.0, 7200.0])
    func outsideValidity(start: TimeInterval) async throws {
        try await role("ci-runner")
        let decision = try await login(try pki.leaf(validFrom: start, validFor: 60))
        #expect(decision.error?.code == .internal)
        #expect(
            decision.error?.messages.first?.hasPrefix(
                "failed to verify client's certificate: x509: certificate has expired or is not yet valid: current time ") == true)
    }

    @Test("a chain from another CA is untrusted; so is a role that does not exist")
    func untrusted() async throws {
        try await role("ci-runner")
        let other = try CertTestPKI.authority("other", issuer: nil, now: pki.now)
        let foreign = try pki.leaf(issuer: other)
        let refused = try await login(foreign, chain: [foreign, other.certificate])
        #expect(refused.error == .invalidCredentials("invalid certificate or no client certificate supplied"))
        let missing = try await login(try pki.leaf(), name: "nope")
        #expect(missing.error == .invalidCredentials("invalid certificate or no client certificate supplied"))
        // Without the intermediate, the leaf reaches no root either.
        let bare = try pki.leaf()
        #expect(try await login(bare, chain: [bare]).error?.messages == ["invalid certificate or no client certificate supplied"])
    }

    @Test(
        "each constraint alone refuses a certificate outside it",
        arguments: [
            ("allowed_common_names", JSONValue(["other.example.com"])),
            ("allowed_names", JSONValue(["*.example.net"])),
            ("allowed_dns_sans", JSONValue(["*.example.org"])),
            ("allowed_email_sans", JSONValue(["ops@example.com"])),
            ("allowed_uri_sans", JSONValue(["spiffe://example.com/deploy/*"])),
            ("allowed_organizational_units", JSONValue(["security"])),
            ("required_extensions", JSONValue(["1.3.6.1.4.1.55555.1.1:staging"])),
            ("required_extensions", JSONValue(["1.2.3.4:*"])),
            ("required_extensions", JSONValue(["no-colon"])),
        ])
    func constraint(field: String, value: JSONValue) async throws {
        try await role("narrow", [field: value])
        let decision = try await login(try pki.leaf(), name: "narrow")
        #expect(decision.error == .invalidCredentials("no chain matching all constraints could be found for this login certificate"))
        #expect(decision.checks.last { $0.name == "certs/narrow" }?.expected.hasPrefix(field) == true)
    }

    @Test("globs: a star matches any run, within one list any entry may match")
    func globsInConstraints() async throws {
        try await role(
            "spiffe", ["allowed_uri_sans": ["spiffe://nope/*", "spiffe://example.com/*/runner"], "allowed_common_names": "*.example.com"])
        #expect(try await login(try pki.leaf(), name: "spiffe").auth != nil)
    }

    @Test("a role pinning the leaf is tried before CA roles, and CA roles go in name order")
    func order() async throws {
        let leaf = try pki.leaf()
        try await role("b-second")
        try await role("a-first")
        #expect(try await login(leaf).auth?.metadata["cert_name"] == "a-first")
        try await role("z-pinned", certificate: leaf)
        #expect(try await login(leaf).auth?.metadata["cert_name"] == "z-pinned")
        // Another leaf of the same CA is not the pinned one.
        #expect(try await login(try pki.leaf()).auth?.metadata["cert_name"] == "a-first")
    }

    @Test("a leaf for servers only (no client-auth usage) is refused by chain verification")
    func serverOnlyUsage() async throws {
        try await role("ci-runner")
        let decision = try await login(try pki.leaf(usages: [.serverAuth]))
        #expect(decision.error?.code == .internal)
        #expect(decision.error?.messages.first?.contains("incompatible key usage") == true)
    }

    @Test("a serial on a stored CRL refuses the chain it is in")
    func revokedBySerial() async throws {
        try await role("ci-runner")
        let leaf = try pki.leaf()
        let serial = SerialNumbers.decimal(leaf.serialNumber.bytes)
        try await view.putJSON("crls/test", RevocationList(serials: [serial], nextUpdate: nil, url: nil))
        let decision = try await login(leaf)
        #expect(decision.error?.messages == ["no chain matching all constraints could be found for this login certificate"])
        #expect(decision.checks.last { $0.name == "certs/ci-runner" }?.actual == "serial \(serial) is revoked")
        #expect(try await login(try pki.leaf()).auth != nil)
    }
}
