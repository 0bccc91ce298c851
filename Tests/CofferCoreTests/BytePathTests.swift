import CofferMountKit
import Testing

@testable import CofferCore

/// Paths compare as Vault compares them (issue 12, item 7): as UTF-8 bytes, by whole
/// segments where a segment is meant.
@Suite struct BytePathTests {
    static let composed = "caf\u{E9}"  // é as one code point
    static let decomposed = "cafe\u{301}"  // e + combining acute accent

    static func acl(_ text: String) throws -> ACL {
        ACL(policies: [try PolicyParser.parse(name: "p", text: text)])
    }

    @Test("an exact grant on one Unicode spelling does not open the other")
    func exactGrantIsBytes() throws {
        let acl = try Self.acl("path \"kv/\(Self.composed)\" { capabilities = [\"read\"] }")
        #expect(acl.capabilities(on: "kv/\(Self.composed)") == .read)
        #expect(acl.capabilities(on: "kv/\(Self.decomposed)") == [])
    }

    @Test("a prefix grant matches bytes: `cafe*` covers e + U+0301 but not U+00E9")
    func prefixGrantIsBytes() throws {
        let acl = try Self.acl("path \"kv/cafe*\" { capabilities = [\"read\"] }")
        #expect(acl.capabilities(on: "kv/\(Self.decomposed)") == .read)
        #expect(acl.capabilities(on: "kv/\(Self.composed)") == [])
    }

    @Test("`+` segments split on the slash byte, even before a combining mark")
    func segmentRulesSplitOnBytes() throws {
        let acl = try Self.acl("path \"kv/+/\(Self.composed)\" { capabilities = [\"read\"] }")
        #expect(acl.capabilities(on: "kv/x/\(Self.composed)") == .read)
        #expect(acl.capabilities(on: "kv/x/\(Self.decomposed)") == [])
        let open = try Self.acl("path \"kv/+/b\" { capabilities = [\"read\"] }")
        #expect(open.capabilities(on: "kv/\u{301}x/b") == .read)
    }

    @Test("root-protected prefixes match whole segments and bytes")
    func rootPaths() {
        #expect(RootPaths.needsSudo("sys/leases/lookup/"))
        #expect(RootPaths.needsSudo("sys/leases/lookup/auth/token/create/"))
        #expect(!RootPaths.needsSudo("sys/leases/lookupX/"))
        // "/" + U+0301 is one Swift character, so `hasPrefix("sys/auth/")` said no.
        #expect(RootPaths.needsSudo("sys/auth/\u{301}x"))
    }

    @Test("relative paths are recognised as Vault's IsRelativePath does")
    func relativePaths() {
        for path in [".", "..", "./sys", "../x", "a/./b", "a/../b", "a/.", "a/.."] {
            #expect(RelativePath.isRelative(path), "\(path)")
        }
        for path in ["a//b", "a/.b", "a/..b", "...", "a/b."] {
            #expect(!RelativePath.isRelative(path), "\(path)")
        }
    }

    @Test("no secrets engine under a protected prefix, however the path is spelled")
    func protectedMountPrefixes() throws {
        for path in ["auth/foo", "/auth/foo", "//sys/x", "sys", "cubbyhole/x", "identity/", "audit/x", "auth"] {
            #expect(throws: CoreError.self, "\(path)") { try SystemBackend.secretsMountPath(path) }
        }
        #expect(try SystemBackend.secretsMountPath("AUTH/x") == "AUTH/x/")
        #expect(try SystemBackend.secretsMountPath("/kv") == "kv/")
    }
}
