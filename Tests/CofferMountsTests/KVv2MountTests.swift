import CofferEncoding
import CofferMountKit
import CofferStorage
import Foundation
import Testing

@testable import CofferMounts

/// Plaintext storage for mount tests: the mount contract without the core.
final class PlainStorage: LogicalStorage {
    let physical = MemoryStorage()
    func get(_ key: String) async throws -> Data? { try await physical.get(key) }
    func put(_ key: String, _ value: Data) async throws { try await physical.put(key, value) }
    func delete(_ key: String) async throws { try await physical.delete(key) }
    func list(prefix: String) async throws -> [String] { try await physical.list(prefix: prefix) }
    func delete(prefix: String) async throws { try await physical.delete(prefix: prefix) }
    func apply(_ writes: [StorageWrite]) async throws {
        try await physical.apply(
            writes.map { write in
                switch write {
                case .put(let key, let value): .put(key, value)
                case .delete(let key): .delete(key)
                }
            })
    }
}

@Suite struct KVv2MountTests {
    let view = StorageView(storage: PlainStorage(), prefix: "logical/test/")
    var mount: KVv2Mount { KVv2Mount(storage: view) }

    func request(_ operation: MountOperation, _ path: String, _ data: [String: JSONValue] = [:]) -> MountRequest {
        MountRequest(operation: operation, path: path, fields: RequestFields(data), storage: view, mountPath: "secret/")
    }

    @Test("each write makes a new version; reads get the latest or the one asked for")
    func versions() async throws {
        let mount = self.mount
        let first = try await mount.handle(request(.create, "data/app", ["data": ["v": "1"]]))
        #expect(first.data?["version"] == 1)
        _ = try await mount.handle(request(.update, "data/app", ["data": ["v": "2"]]))
        let latest = try await mount.handle(request(.read, "data/app"))
        #expect(latest.data?["data"] == ["v": "2"])
        #expect(latest.data?["metadata"]?["version"] == 2)
        let old = try await mount.handle(request(.read, "data/app", ["version": "1"]))
        #expect(old.data?["data"] == ["v": "1"])
    }

    @Test("check-and-set: 0 creates only, N must match the current version")
    func checkAndSet() async throws {
        let mount = self.mount
        _ = try await mount.handle(request(.create, "data/cas", ["data": ["a": 1], "options": ["cas": 0]]))
        await #expect(throws: MountError.badRequest("check-and-set parameter did not match the current version")) {
            try await mount.handle(request(.update, "data/cas", ["data": ["a": 2], "options": ["cas": 0]]))
        }
        let ok = try await mount.handle(request(.update, "data/cas", ["data": ["a": 2], "options": ["cas": 1]]))
        #expect(ok.data?["version"] == 2)
    }

    @Test("a write without data, or with data that is not an object, is refused")
    func badWrites() async throws {
        let mount = self.mount
        await #expect(throws: MountError.badRequest("no data provided")) {
            try await mount.handle(request(.create, "data/x", ["foo": "bar"]))
        }
        await #expect(throws: MountError.self) { try await mount.handle(request(.create, "data/x", ["data": "text"])) }
        await #expect(throws: MountError.notFound) { try await mount.handle(request(.read, "data/x")) }
    }

    @Test("a soft-deleted latest version is a 404 that still shows its metadata")
    func softDelete() async throws {
        let mount = self.mount
        _ = try await mount.handle(request(.create, "data/gone", ["data": ["a": "b"]]))
        _ = try await mount.handle(request(.delete, "data/gone"))
        let answer = try await mount.handle(request(.read, "data/gone"))
        #expect(answer.isNotFound)
        #expect(answer.data?["data"] == .null)
        #expect(answer.data?["metadata"]?["deletion_time"]?.stringValue?.isEmpty == false)
    }

    @Test("only max_versions versions are kept; the oldest go first")
    func trimming() async throws {
        let mount = self.mount
        _ = try await mount.handle(request(.update, "metadata/trim", ["max_versions": 2]))
        for value in 1...4 { _ = try await mount.handle(request(.update, "data/trim", ["data": ["n": .int(Int64(value))]])) }
        let metadata = try await mount.handle(request(.read, "metadata/trim"))
        #expect(metadata.data?["oldest_version"] == 3)
        #expect(metadata.data?["current_version"] == 4)
        #expect(metadata.data?["versions"]?.objectValue?.keys.sorted() == ["3", "4"])
        await #expect(throws: MountError.notFound) { try await mount.handle(request(.read, "data/trim", ["version": 1])) }
    }

    @Test("concurrent writers to one key get distinct, gapless versions")
    func concurrentWrites() async throws {
        let mount = self.mount
        let view = self.view
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    _ = try await mount.handle(
                        MountRequest(
                            operation: .update, path: "data/race", fields: RequestFields(["data": ["i": .int(Int64(index))]]),
                            storage: view, mountPath: "secret/"))
                }
            }
            try await group.waitForAll()
        }
        let metadata = try await mount.handle(request(.read, "metadata/race"))
        #expect(metadata.data?["current_version"] == 20)
    }

    @Test("a bare path on a v2 mount is a 404 with the versioned-KV warning")
    func barePath() async throws {
        let answer = try await mount.handle(request(.read, "ci/production/db"))
        #expect(answer.isNotFound)
        #expect(answer.warnings == [KVv2Mount.invalidPathWarning])
    }
}

@Suite struct KVv2LifecycleTests {
    let view = StorageView(storage: PlainStorage(), prefix: "logical/life/")

    func request(_ operation: MountOperation, _ path: String, _ data: [String: JSONValue] = [:]) -> MountRequest {
        MountRequest(operation: operation, path: path, fields: RequestFields(data), storage: view, mountPath: "secret/")
    }

    @Test("patch merges into a new version; null removes a key; a missing secret is 404")
    func patch() async throws {
        let mount = KVv2Mount(storage: view)
        _ = try await mount.handle(request(.create, "data/p", ["data": ["user": "ci", "password": "a", "old": "x"]]))
        let patched = try await mount.handle(request(.patch, "data/p", ["data": ["password": "b", "old": .null]]))
        #expect(patched.data?["version"] == 2)
        let read = try await mount.handle(request(.read, "data/p"))
        #expect(read.data?["data"] == ["user": "ci", "password": "b"])
        await #expect(throws: MountError.notFound) { try await mount.handle(request(.patch, "data/none", ["data": ["a": "b"]])) }
        await #expect(throws: MountError.badRequest("check-and-set parameter did not match the current version")) {
            try await mount.handle(request(.patch, "data/p", ["data": ["a": "b"], "options": ["cas": 1]]))
        }
    }

    @Test("delete, undelete and destroy listed versions")
    func versionLifecycle() async throws {
        let mount = KVv2Mount(storage: view)
        for value in ["1", "2", "3"] { _ = try await mount.handle(request(.update, "data/v", ["data": ["n": .string(value)]])) }
        _ = try await mount.handle(request(.update, "delete/v", ["versions": ["1", "2"]]))
        #expect(try await mount.handle(request(.read, "data/v", ["version": 1])).isNotFound)
        _ = try await mount.handle(request(.update, "undelete/v", ["versions": [1]]))
        #expect(try await mount.handle(request(.read, "data/v", ["version": 1])).data?["data"] == ["n": "1"])
        _ = try await mount.handle(request(.update, "destroy/v", ["versions": [2]]))
        let destroyed = try await mount.handle(request(.read, "data/v", ["version": 2]))
        #expect(destroyed.isNotFound)
        #expect(destroyed.data?["metadata"]?["destroyed"] == true)
        // A destroyed version cannot be undeleted.
        _ = try await mount.handle(request(.update, "undelete/v", ["versions": [2]]))
        #expect(try await mount.handle(request(.read, "data/v", ["version": 2])).isNotFound)
        await #expect(throws: MountError.badRequest("No version number provided")) {
            try await mount.handle(request(.update, "undelete/v"))
        }
    }

    @Test("subkeys shows the structure with null leaves")
    func subkeys() async throws {
        let mount = KVv2Mount(storage: view)
        _ = try await mount.handle(request(.create, "data/c", ["data": ["num": 1, "obj": ["k": "v"], "list": [1, 2]]]))
        let answer = try await mount.handle(request(.read, "subkeys/c"))
        #expect(answer.data?["subkeys"] == ["num": .null, "obj": ["k": .null], "list": .null])
    }

    @Test("metadata patch merges custom metadata; a null removes a key")
    func metadataPatch() async throws {
        let mount = KVv2Mount(storage: view)
        _ = try await mount.handle(request(.update, "metadata/m", ["custom_metadata": ["team": "ci", "rotation": "weekly"]]))
        _ = try await mount.handle(request(.patch, "metadata/m", ["custom_metadata": ["rotation": .null, "owner": "platform"]]))
        let metadata = try await mount.handle(request(.read, "metadata/m"))
        #expect(metadata.data?["custom_metadata"] == ["team": "ci", "owner": "platform"])
        #expect(metadata.data?["current_metadata_version"] == 2)
    }
}
