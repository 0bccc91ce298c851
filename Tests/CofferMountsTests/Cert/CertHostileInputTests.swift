import CofferEncoding
import CofferMountKit
import Foundation
import Testing
import X509

@testable import CofferMounts

/// What clients and storage can throw at the cert method: corrupt or huge
/// PEM, garbage certificates and CRLs, pathological globs. Each is refused
/// with a clear error (or a plain no), never a trap, and nothing is stored.
@Suite struct CertHostileInputTests {
    let logins: CertLoginTests

    init() throws {
        logins = try CertLoginTests()
    }

    @Test(
        "a role write with a corrupt, empty, truncated or oversize certificate is a 400 and stores nothing",
        arguments: [
            "not a pem", "", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\nMIIB", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            String(repeating: "A", count: (1 << 20) + 1),
        ])
    func corruptPEM(text: String) async throws {
        await #expect(throws: MountError.badRequest("failed to parse certificate")) {
            _ = try await logins.mount.handle(logins.request(.update, "certs/bad", ["certificate": .string(text)]))
        }
        await #expect(throws: MountError.notFound) { _ = try await logins.mount.handle(logins.request(.read, "certs/bad")) }
    }

    @Test("a constraint list too long, or with too long an entry, is refused")
    func oversizeLists() async throws {
        let pem = try CertTestPKI.pem(logins.pki.root.certificate)
        for list in [Array(repeating: "a", count: 257), [String(repeating: "*", count: 1025)]] {
            await #expect(throws: MountError.self) {
                _ = try await logins.mount.handle(
                    logins.request(.update, "certs/big", ["certificate": .string(pem), "allowed_common_names": JSONValue(list)]))
            }
        }
    }

    @Test("a pinned leaf without client-auth usage is refused when written")
    func pinnedServerLeaf() async throws {
        let leaf = try logins.pki.leaf(usages: [.serverAuth])
        await #expect(
            throws: MountError.badRequest("nonCA certificates should have TLS client authentication set as an extended key usage")
        ) {
            _ = try await logins.mount.handle(
                logins.request(.update, "certs/pinned", ["certificate": .string(try CertTestPKI.pem(leaf))]))
        }
    }

    @Test("garbage presented as the client's certificate is refused, not trusted")
    func garbageLeaf() async throws {
        try await logins.role("ci-runner")
        for bytes in [[UInt8](), [0x30, 0x82, 0xFF, 0xFF], Array(repeating: 0x30, count: 4096)] {
            let peer = PeerCertificates(chain: [bytes], leafSubject: "?", leafSerialNumber: "0")
            let request = MountRequest(
                operation: .update, path: "login", fields: RequestFields([:]), storage: logins.view, mountPath: "auth/cert/",
                peerCertificates: peer)
            let decision = try await logins.mount.decideLogin(request)
            #expect(decision.auth == nil && decision.error == .badRequest("failed to parse client certificate"))
        }
    }

    @Test("a CRL write that does not parse is a 400 and stores nothing; random bytes never trap")
    func corruptCRL() async throws {
        for text in ["junk", "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", ""] {
            await #expect(throws: MountError.self) {
                _ = try await logins.mount.handle(logins.request(.update, "crls/bad", ["crl": .string(text)]))
            }
        }
        await #expect(throws: MountError.notFound) { _ = try await logins.mount.handle(logins.request(.read, "crls/bad")) }
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 16, 300, 5000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? RevocationList(data: [0x30] + bytes)
        }
    }

    @Test(
        "globs match as go-glob does: only * is special",
        arguments: [
            ("*", "anything", true), ("", "", true), ("", "x", false), ("a*", "abc", true), ("*c", "abc", true),
            ("a*c", "ac", true), ("a*b*c", "aXbYc", true), ("a*b*c", "aXcYb", false), ("[a", "[a", true), ("[a", "a", false),
            ("?", "x", false), ("**", "", true), ("spiffe://example.com/ci/*", "spiffe://example.com/ci/runner", true),
            ("*.example.com", "example.com", false), ("ab*ab", "ab", false), ("ab*ab", "abab", true),
        ])
    func glob(pattern: String, name: String, matches: Bool) {
        #expect(GlobPattern(pattern).matches(name) == matches)
    }

    /// A backtracking matcher takes exponential time on this; a hang fails the run.
    @Test("a pattern of many stars against a long name that almost matches is answered")
    func pathologicalGlob() {
        let pattern = String(repeating: "a*", count: 500) + "b"
        #expect(!GlobPattern(pattern).matches(String(repeating: "a", count: 20_000)))
        #expect(GlobPattern(pattern).matches(String(repeating: "a", count: 20_000) + "b"))
    }

    @Test(
        "serial numbers read as Vault shows them, in decimal",
        arguments: [
            ([UInt8](), "0"), ([0], "0"), ([0x10, 0x00], "4096"),
            ([0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], "18446744073709551616"),
        ])
    func serials(bytes: [UInt8], decimal: String) {
        #expect(SerialNumbers.decimal(bytes) == decimal)
    }
}
