import CofferMountKit
import CofferStorage
import CofferTesting
import Foundation
import Testing

@testable import CofferCore

/// Issue 12, acceptance 5: fifty requests race one revocation, a hundred times
/// over, through the real pipeline with real concurrency. Once the revocation has
/// answered, nothing of the token is left: no entry, no accessor, no child, no
/// lease marker, nothing a late writer could have put back.
@Suite(.timeLimit(.minutes(2)))
struct TokenRaceTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, sqlite
        var testDescription: String { rawValue }
        /// Memory a hundred times; SQLite, slower per write, a tenth of that.
        var rounds: Int { self == .memory ? 100 : 10 }
    }

    static let width = 50

    @Test("renew-self racing an admin's revoke never writes the token back", arguments: Backend.allCases)
    func renewVersusRevoke(_ backend: Backend) async throws {
        try await Self.race(backend) { core, token in
            _ = await core.handle(Request(operation: .write, path: "auth/token/renew-self", data: ["increment": "2h"], token: token))
        }
    }

    @Test("limited-use requests racing an admin's revoke never write the token back", arguments: Backend.allCases)
    func useVersusRevoke(_ backend: Backend) async throws {
        try await Self.race(backend, numUses: 1000) { core, token in
            _ = await core.handle(Request(operation: .read, path: "auth/token/lookup-self", token: token))
        }
    }

    @Test("children created while their parent is revoked never survive it", arguments: Backend.allCases)
    func childCreateVersusParentRevoke(_ backend: Backend) async throws {
        try await Self.race(backend) { core, token in
            _ = await core.handle(Request(operation: .write, path: "auth/token/create", data: ["ttl": "1h"], token: token))
        }
    }

    @Test("renewals racing uses never give back a spent use")
    func renewVersusUse() async throws {
        let core = try await TestCore.unsealed()
        for _ in 0..<20 {
            let token = try await Self.token(core, numUses: 100)
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<Self.width * 2 {
                    group.addTask {
                        if index.isMultiple(of: 2) {
                            _ = await core.handle(Request(operation: .read, path: "auth/token/lookup-self", token: token))
                        } else {
                            _ = await core.handle(
                                Request(
                                    operation: .write, path: "auth/token/renew", data: ["token": .string(token)], token: TestCore.rootToken
                                ))
                        }
                    }
                }
            }
            let entry = try #require(try await core.tokens.lookup(token))
            #expect(entry.numUses == 100 - Self.width)
        }
    }

    /// Each round: a fresh token (with uses, or a root-policy parent), `width - 1`
    /// requests with it and one revocation by root in the middle, all at once.
    static func race(
        _ backend: Backend, numUses: Int = 0, _ request: @escaping @Sendable (Core, String) async -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-race-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage: any PhysicalStorage =
            backend == .memory
            ? MemoryStorage() : try SQLiteStorage(path: directory.appendingPathComponent("race.db").path)
        let core = try await TestCore.unsealed(storage: storage)
        for _ in 0..<backend.rounds {
            let token = try await Self.token(core, numUses: numUses)
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<width {
                    group.addTask {
                        if index == width / 2 {
                            let revoke = Request(
                                operation: .write, path: "auth/token/revoke", data: ["token": .string(token)], token: TestCore.rootToken)
                            _ = await core.handle(revoke)
                        } else {
                            await request(core, token)
                        }
                    }
                }
            }
            try await expectOnlyRoot(core, revoked: token)
        }
    }

    /// A token that may renew and make children (root policy, orphan, 1 h).
    static func token(_ core: Core, numUses: Int) async throws -> String {
        var request = TokenStore.Request(policies: ["root"], path: "auth/token/create", displayName: "token")
        request.ttl = 3600
        request.numUses = numUses
        return try await core.tokens.create(request, alongside: LeaseStore.tokenMarker).id
    }

    /// Nothing but the root token is stored: entries, accessors, the tree, lease markers.
    static func expectOnlyRoot(_ core: Core, revoked token: String) async throws {
        let root = try core.tokens.hash(TestCore.rootToken)
        #expect(try await core.tokens.lookup(token) == nil)
        #expect(try await core.barrier.list(prefix: "sys/token/id/") == [root])
        #expect(try await core.barrier.list(prefix: "sys/token/accessor/").count == 1)
        #expect(try await core.barrier.list(prefix: "sys/token/parent/").isEmpty)
        #expect(try await core.leases.ids(under: "").isEmpty)
        #expect(core.tokens.lifecycles.count == 0)
    }
}
