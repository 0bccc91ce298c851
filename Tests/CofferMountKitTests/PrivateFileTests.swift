import CofferMountKit
import Foundation
import Testing

/// Credential files are owner-only from their first byte and replace, never follow,
/// a symlink at their path (issue 12, item 8).
@Suite struct PrivateFileTests {
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-private-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test("a written file is 0600 and nothing else is left in the directory")
    func writeIsOwnerOnly() throws {
        let dir = try Self.directory()
        let path = dir + "/token"
        try PrivateFile.write(Data("one".utf8), to: path)
        try PrivateFile.write(Data("two".utf8), to: path)
        #expect(try Self.mode(path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["token"])
    }

    @Test("a symlink at the path is replaced, its target untouched")
    func symlinkIsReplaced() throws {
        let dir = try Self.directory()
        try Data("victim".utf8).write(to: URL(fileURLWithPath: dir + "/victim"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/token", withDestinationPath: dir + "/victim")
        try PrivateFile.write(Data("secret".utf8), to: dir + "/token")
        #expect(try String(contentsOfFile: dir + "/victim", encoding: .utf8) == "victim")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/token")) == nil)
        #expect(try String(contentsOfFile: dir + "/token", encoding: .utf8) == "secret")
    }
}
