import CofferEncoding
import CofferMountKit
import CofferTesting
import Testing

@testable import CofferCore

/// Nothing a client sends to `identity/` traps the process or gives an internal
/// error: every route and operation of its table, with the values that break
/// parsers in each field the identity API reads (as PathTableSweepTests does for
/// the tables that declare their fields).
@Suite struct IdentitySweepTests {
    static let fields = [
        "id", "name", "type", "policies", "metadata", "custom_metadata", "disabled", "member_entity_ids", "member_group_ids",
        "canonical_id", "mount_accessor", "alias_id", "alias_name", "alias_mount_accessor", "from_entity_ids", "to_entity_id", "force",
        "conflicting_alias_ids_to_keep",
    ]

    @Test("boundary values in every field of every identity route never give an internal error")
    func sweep() async throws {
        let core = try await TestCore.unsealed()
        let enabled = await core.handle(Request(operation: .write, path: "sys/auth/jwt", data: ["type": "jwt"], token: TestCore.rootToken))
        if case .error(let error) = enabled { Issue.record("enabling jwt: \(error)") }
        // Something to find: an entity and a group with aliases, so that updates reach past "not found".
        let entity = await core.handle(
            Request(operation: .write, path: "identity/entity", data: ["name": "sweep"], token: TestCore.rootToken))
        guard case .logical(let made) = entity, let entityID = made.data["id"]?.stringValue else {
            Issue.record("no entity made")
            return
        }
        var failures: Set<String> = []
        for route in IdentityBackend.paths.paths {
            let path =
                "identity/"
                + route.pattern.description.replacingOccurrences(of: "{id}", with: entityID)
                .replacingOccurrences(of: "{name...}", with: "sweep")
            for operation in MountOperation.allCases where route.handler(for: operation) != nil {
                for field in Self.fields {
                    for value in PathTableSweepValues.values {
                        let request = Request(
                            operation: PathTableSweepValues.operation(operation), path: path, data: [field: value],
                            token: TestCore.rootToken)
                        guard case .error(let error) = await core.handle(request), error.code == .internal else { continue }
                        failures.insert("\(operation) \(path) \(field): \(error.description.prefix(200))")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.sorted())")
        let health = await core.handle(Request(operation: .list, path: "identity/entity/id", token: TestCore.rootToken))
        if case .error(let error) = health, error.code == .internal { Issue.record("identity stopped answering: \(error)") }
    }
}

/// The boundary values, shared with the server's sweep in spirit (that target's
/// list is not visible from here).
enum PathTableSweepValues {
    static let values: [JSONValue] = [
        0, -1, .int(.max), .int(.min), .double(1e19), .double(1e300), .double(-1e300), .double(0.5),
        "9223372036854775808", "99999999999999999999h", "١٢٣", "０１２３", "", .string(String(repeating: "x", count: 10_000)),
        ["a", 1], [.double(1e300)], [], ["a": ["b": [1, ["c": .null]]]], true, .null,
    ]

    static func operation(_ operation: MountOperation) -> Request.Operation {
        switch operation {
        case .read: .read
        case .list: .list
        case .create, .update: .write
        case .delete: .delete
        case .patch: .patch
        }
    }
}
