import CofferEncoding
import CofferMountKit
import Foundation

extension SystemBackend {
    /// `POST sys/remount {from, to}`: moves a secrets engine or an auth method to a
    /// new path, keeping its data (a mount's storage view is keyed by its uuid, not
    /// its path). The leases and tokens issued under the old path are revoked first,
    /// as OpenBao does. OpenBao queues the move and answers at once; Coffer moves
    /// before answering, so the migration's status is already terminal when read.
    func remount(_ call: BackendCall) async throws -> Response {
        let plan = try RemountPlan(RequestFields(call.request.data))
        let entries = await mounts.entries(plan.table)
        guard let entry = entries.first(where: { $0.path.bytesEqual(plan.source) }) else {
            throw CoreError.badRequest("no matching mount at \"\(plan.sourceRoute)\"")
        }
        // Checked before anything is revoked; `move` checks again under the actor.
        if let other = await mounts.conflict(with: plan.targetRoute) {
            throw CoreError.badRequest("path already in use at \"\(other)\"")
        }
        let id = UUIDs.make()
        remounts.begin(id, source: plan.sourceRoute, target: plan.targetRoute)
        do {
            // Nothing issued under the old path may outlive it: a token from
            // `auth/old/login` would otherwise name a mount that is gone.
            try await leases.revoke(prefix: plan.sourceRoute)
            try await mounts.move(entry, to: plan.target)
            remounts.finish(id, .success)
        } catch {
            remounts.finish(id, .failure)
            throw error
        }
        var response = LogicalResponse(requestID: call.request.id, data: ["migration_id": .string(id)])
        response.copiesDataToTop = true
        response.warnings = [
            "Mount move has been queued. Progress will be reported in OpenBao's server log, tagged with the returned migration_id"
        ]
        return .logical(response)
    }

    /// `GET sys/remount/status/<migration_id>`: where a move stands; a 404 for an
    /// id this server never gave (or gave before a restart: OpenBao keeps them in
    /// memory too).
    func remountStatus(_ call: BackendCall, id: String) async throws -> Response {
        guard !id.isEmpty else { throw CoreError.badRequest("migrationID must be specified") }
        guard let migration = remounts.status(id) else { throw CoreError.notFound }
        let info: JSONValue = [
            "source_mount": .string(migration.source), "target_mount": .string(migration.target),
            "status": .string(migration.status.rawValue),
        ]
        return .logical(LogicalResponse(requestID: call.request.id, data: ["migration_id": .string(id), "migration_info": info]))
    }
}

/// The two paths of a `sys/remount` request, checked as OpenBao checks them
/// (`handleRemount` in `logical_system.go`): both given, no edge whitespace, the
/// destination a clean printable path, an auth method only to another auth path,
/// nothing the core owns on either side.
struct RemountPlan {
    /// The table both paths belong to.
    let table: MountEntry.Table
    /// Paths relative to the table, with a trailing slash (`kv/`, `approle/`).
    let source: String
    let target: String

    /// Mounts the core owns; no secrets engine is moved from or to them.
    private static let protectedMounts = ["audit/", "auth/", "sys/", "cubbyhole/", "identity/"]
    /// The token store: no auth method is moved from or to it.
    private static let protectedAuth = "auth/token"

    var sourceRoute: String { table.routePrefix + source }
    var targetRoute: String { table.routePrefix + target }

    init(_ fields: RequestFields) throws {
        let from = try fields.string("from") ?? ""
        let to = try fields.string("to") ?? ""
        guard !from.isEmpty, !to.isEmpty else {
            throw CoreError.badRequest("both 'from' and 'to' path must be specified as a string")
        }
        if Self.hasEdgeWhitespace(from) { throw CoreError.badRequest("'from' path cannot contain trailing whitespace") }
        if Self.hasEdgeWhitespace(to) { throw CoreError.badRequest("'to' path cannot contain trailing whitespace") }
        let source = Self.sanitized(from)
        let target = Self.sanitized(to)
        try Self.validateTarget(target)
        if source.hasBytePrefix("auth/") {
            guard target.hasBytePrefix("auth/") else {
                throw CoreError.badRequest("cannot remount auth mount to non-auth mount \"\(target)\"")
            }
            if source.hasBytePrefix(Self.protectedAuth) { throw CoreError.badRequest("cannot remount \"\(source)\"") }
            if target.hasBytePrefix(Self.protectedAuth) { throw CoreError.badRequest("cannot remount to destination \"\(target)\"") }
            table = .auth
            self.source = String(decoding: source.utf8.dropFirst(5), as: UTF8.self)
            self.target = String(decoding: target.utf8.dropFirst(5), as: UTF8.self)
        } else {
            for prefix in Self.protectedMounts {
                if source.hasBytePrefix(prefix) { throw CoreError.badRequest("cannot remount \"\(source)\"") }
                // OpenBao quotes this one path without quotes; matched as it answers.
                if target.hasBytePrefix(prefix) { throw CoreError.badRequest("cannot remount to destination \(target)") }
            }
            table = .secrets
            self.source = source
            self.target = target
        }
    }

    private static func hasEdgeWhitespace(_ path: String) -> Bool {
        path.utf8.first == UInt8(ascii: " ") || path.utf8.last == UInt8(ascii: " ")
    }

    /// Vault's `sanitizePath`: no leading slashes, one trailing slash.
    private static func sanitized(_ path: String) -> String {
        var text = String(decoding: path.utf8.drop { $0 == UInt8(ascii: "/") }, as: UTF8.self)
        if text.utf8.last != UInt8(ascii: "/") { text += "/" }
        return text
    }

    /// The destination must be a clean path (no `.`/`..` segments, no doubled
    /// slash) of printable characters, as OpenBao's `validateMountPath` asks.
    private static func validateTarget(_ path: String) throws {
        let cleaned = Self.cleaned(path)
        guard cleaned != "/" else { throw CoreError.badRequest("invalid destination mount path \"\(path)\"") }
        guard cleaned.bytesEqual(path) else {
            throw CoreError.badRequest("invalid destination mount: path '\(path)' does not match cleaned path '\(cleaned)'")
        }
        let unprintable = path.unicodeScalars.contains { scalar in
            scalar != " " && (scalar.properties.generalCategory.isNonPrintable || scalar.properties.isWhitespace)
        }
        if unprintable { throw CoreError.badRequest("invalid destination mount: path cannot contain non-printable characters") }
    }

    /// Go's `path.Clean` of a relative path, with the trailing slash kept.
    private static func cleaned(_ path: String) -> String {
        var kept: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == "..", let last = kept.last, last != ".." {
                kept.removeLast()
            } else {
                kept.append(segment)
            }
        }
        return kept.joined(separator: "/") + "/"
    }
}

extension Unicode.GeneralCategory {
    /// Go's `unicode.IsPrint` is false for these (and for spaces other than U+0020).
    fileprivate var isNonPrintable: Bool {
        switch self {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
