import CofferEncoding
import CofferMountKit
import CofferTesting
import Testing

@testable import CofferCore
@testable import CofferMounts

/// The boundary-value sweep driven by the path tables themselves (issue 12): every
/// declared field of every route of every mount gets the values that break
/// parsers and integer conversions, with every operation the route answers. No
/// answer may be an internal error, and the core still answers at the end. The
/// end-to-end sweep (tests/e2e/test_boundary_sweep.py) does the same over HTTP
/// against a table written from the spec, and compares with OpenBao.
@Suite struct PathTableSweepTests {
    static let values: [JSONValue] = [
        0, -1, .int(.max), .int(.min), .double(1e19), .double(1e300), .double(-1e300), .double(0.5),
        "9223372036854775808", "99999999999999999999h", "2562048h", "-2562048h", "١٢٣", "０１２３", "",
        .string(String(repeating: "x", count: 10_000)),
        ["a", 1], [.double(1e300)], [], ["a": ["b": [1, ["c": .null]]]], true, .null,
    ]

    /// Internal errors OpenBao 2.7.2 gives too (a 500 from AppRole): a login without a
    /// role ID, a role or secret ID with a bad CIDR block, a role with no constraint left.
    static let expected: [(path: String, message: String)] = [
        ("auth/approle/login", "missing role_id"),
        ("auth/approle/role/sweep", "failed to validate CIDR blocks: "),
        ("auth/approle/role/sweep", "at least one constraint should be enabled on the role"),
        ("auth/approle/role/sweep/secret-id", "1 error occurred:\n\t* failed to validate CIDR blocks: "),
        ("auth/approle/role/sweep/secret-id", "1 error occurred:\n\t* failed to validate token CIDR blocks: "),
    ]

    static func isExpected(_ path: String, _ error: CoreError) -> Bool {
        let message = error.messages.joined(separator: "; ")
        return expected.contains { $0.path == path && message.hasPrefix($0.message) }
    }

    /// A concrete path for a route's pattern: each capture becomes a name.
    static func concrete(_ pattern: PathPattern) -> String {
        pattern.description.split(separator: "/").map { part in
            part.hasSuffix("...}") ? "sweep/key" : part.hasPrefix("{") ? "sweep" : String(part)
        }.joined(separator: "/")
    }

    /// Each route of each table, as (full path, fields, operations).
    static func routes() -> [(path: String, fields: [FieldSpec], operations: [MountOperation])] {
        func rows<Owner, Call, Answer>(_ prefix: String, _ table: RouteTable<Owner, Call, Answer>) -> [(
            String, [FieldSpec], [MountOperation]
        )] {
            table.paths.map { route in
                (prefix + concrete(route.pattern), route.fields, MountOperation.allCases.filter { route.handler(for: $0) != nil })
            }
        }
        // `seal` would end the sweep; every other sys/ route takes part.
        let system = rows("sys/", SystemBackend.paths).filter { $0.0 != "sys/seal" }
        return rows("secret/", KVv2Mount.paths) + rows("kv1/", KVv1Mount.paths) + rows("auth/jwt/", JWTAuthMount.paths)
            + rows("auth/approle/", AppRoleMount.paths) + rows("auth/kubernetes/", KubernetesAuthMount.paths)
            + rows("auth/token/", TokenBackend.paths) + system
    }

    static func operation(_ operation: MountOperation) -> Request.Operation {
        switch operation {
        case .read: .read
        case .list: .list
        case .create, .update: .write
        case .delete: .delete
        case .patch: .patch
        }
    }

    @Test("boundary values in every declared field of every route never give an internal error")
    func sweep() async throws {
        let core = try await TestCore.unsealed()
        for (path, body) in [
            ("sys/auth/jwt", ["type": "jwt"]), ("sys/auth/approle", ["type": "approle"]), ("sys/mounts/kv1", ["type": "kv"]),
            ("sys/auth/kubernetes", ["type": "kubernetes"]),
        ] as [(String, JSONValue)] {
            let enabled = await core.handle(
                Request(operation: .write, path: path, data: body.objectValue ?? [:], token: TestCore.rootToken))
            if case .error(let error) = enabled { Issue.record("enabling \(path): \(error)") }
        }
        // One line per route, field and message (the values that hit it are many).
        var failures: Set<String> = []
        var sent = 0
        for (path, fields, operations) in Self.routes() {
            // A fixed order (a Set's is random per run): whether the role exists when
            // its sub-paths are swept must not change from one run to the next.
            var seen: Set<Request.Operation> = []
            for operation in operations.map(Self.operation) where seen.insert(operation).inserted {
                for field in fields where !field.isUnchecked || field.kind != .string {
                    for value in Self.values {
                        let request = Request(operation: operation, path: path, data: [field.name: value], token: TestCore.rootToken)
                        sent += 1
                        guard case .error(let error) = await core.handle(request), error.code == .internal else { continue }
                        if !Self.isExpected(path, error) {
                            failures.insert("\(operation) \(path) \(field.name): \(error.description.prefix(200))")
                        }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.sorted())")
        #expect(sent > 3_000)
        // Still serving: a plain read works after the sweep.
        let health = await core.handle(Request(operation: .read, path: "sys/mounts", token: TestCore.rootToken))
        if case .error(let error) = health { Issue.record("the core stopped answering: \(error)") }
    }
}
