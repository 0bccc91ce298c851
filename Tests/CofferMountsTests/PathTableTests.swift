import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// Mount path tables: routing, operations, field checks and help come from the
/// table itself, so each is tested on the tables the mounts ship.
@Suite struct PathTableTests {
    let view = StorageView(storage: PlainStorage(), prefix: "logical/table/")

    func request(_ operation: MountOperation, _ path: String, _ data: [String: JSONValue] = [:]) -> MountRequest {
        MountRequest(operation: operation, path: path, fields: RequestFields(data), storage: view, mountPath: "secret/")
    }

    /// A table whose handlers say which path and captures they got.
    static let echo = PathTable<String>(
        [
            MountPath("role", operations: [.list: { _, _ in MountResponse(data: ["path": "role"]) }], synopsis: "list"),
            MountPath(
                "role/{name}",
                fields: [FieldSpec("ttl", .duration, "a duration")],
                operations: [.read: { owner, call in MountResponse(data: ["owner": .string(owner), "name": .string(call["name"])]) }],
                synopsis: "one"
            ),
            MountPath(
                "data/{path...}", operations: [.update: { _, call in MountResponse(data: ["path": .string(call["path"])]) }],
                synopsis: "rest"),
        ],
        backendHelp: "echo"
    )

    @Test("a path goes to the first route that matches, with what its pattern captured")
    func routing() async throws {
        let one = try await Self.echo.handle(request(.read, "role/ci"), owner: "me")
        #expect(one.data?["name"] == "ci")
        #expect(one.data?["owner"] == "me")
        let rest = try await Self.echo.handle(request(.update, "data/a/b/c"), owner: "me")
        #expect(rest.data?["path"] == "a/b/c")
        // A create goes to the update handler when the path has none of its own.
        let created = try await Self.echo.handle(request(.create, "data/x"), owner: "me")
        #expect(created.data?["path"] == "x")
    }

    @Test(
        "names in paths follow OpenBao's rule; a bare prefix is not its rest",
        arguments: ["role/-ci", "role/ci.", "role/a/b", "data", "nothing"])
    func unmatched(_ path: String) async {
        await #expect(throws: MountError.unsupportedPath) {
            _ = try await Self.echo.handle(request(.read, path), owner: "me")
        }
    }

    @Test("an operation the matched path has no handler for is an unsupported operation")
    func unsupportedOperation() async throws {
        await #expect(throws: MountError.unsupportedOperation) {
            _ = try await Self.echo.handle(request(.delete, "role/ci"), owner: "me")
        }
        await #expect(throws: MountError.unsupportedOperation) {
            _ = try await KVv2Mount(storage: view).handle(request(.list, "config"))
        }
    }

    @Test("a declared field of the wrong type is refused before the handler runs")
    func fieldChecks() async throws {
        do {
            _ = try await Self.echo.handle(request(.read, "role/ci", ["ttl": "soon"]), owner: "me")
            Issue.record("a bad duration reached the handler")
        } catch let error as FieldError {
            #expect(error.field == "ttl")
        }
        // KV's metadata write never starts on a bad max_versions: nothing is stored.
        let kv = KVv2Mount(storage: view)
        await #expect(throws: FieldError.self) {
            _ = try await kv.handle(request(.update, "metadata/app", ["max_versions": "many"]))
        }
        #expect(try await kv.loadMetadata("app") == nil)
        // `data` is left to the handler, whose message names the type it got.
        do {
            _ = try await kv.handle(request(.update, "data/app", ["data": "text"]))
            Issue.record("a string was stored as a secret")
        } catch let error as MountError {
            #expect(error.description.contains("got unconvertible type 'string'"))
        }
    }

    @Test("help for a route lays out its synopsis, sorted fields and description as OpenBao's CLI shows them")
    func routeHelp() throws {
        let help = KVv2Mount.paths.help("data/ci/db")
        let lines = help.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Request:        data/ci/db")
        #expect(lines[1] == "Matching Route: ^data/(?P<path>.*)$")
        #expect(lines[3] == "Write, patch, read and delete versions of a secret.")
        #expect(lines[5] == "## PARAMETERS")
        let fieldLines = lines.filter { $0.hasPrefix("    ") && !$0.hasPrefix("        ") }
        #expect(fieldLines == ["    data (map)", "    options (map)", "    path (string)", "    version (int)"])
        #expect(lines.contains("## DESCRIPTION"))
        #expect(help.operations == [.read, .create, .update, .delete, .patch])
    }

    @Test("help on a path no route matches describes the mount and lists every route")
    func mountHelp() {
        let text = AppRoleMount.paths.help("nothing/here").text
        #expect(text.hasPrefix("Request:        nothing/here\nMatching Route: ^.*$\n\n<no synopsis>"))
        #expect(text.contains("## PATHS"))
        #expect(text.contains("    ^role/(?P<role_name>\\w(([\\w-.]+)?\\w)?)/secret-id$"))
        #expect(text.contains("    ^login$"))
    }

    @Test("login paths are the table's unauthenticated ones")
    func loginPaths() {
        #expect(AppRoleMount.paths.unauthenticatedPatterns.map(\.description) == ["login"])
        #expect(JWTAuthMount.paths.unauthenticatedPatterns.map(\.description) == ["login"])
    }

    @Test("the existence check of a role tells create from update")
    func existence() async throws {
        let approle = AppRoleMount(storage: view)
        #expect(try await approle.exists(request(.update, "role/ci")) == false)
        _ = try await approle.handle(request(.create, "role/ci", ["token_ttl": "1m"]))
        #expect(try await approle.exists(request(.update, "role/CI")) == true)
        #expect(try await approle.exists(request(.update, "role/ci/role-id")) == nil)
    }
}
