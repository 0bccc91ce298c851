import CofferEncoding
import CofferMountKit
import Foundation
import Synchronization

/// Vault's user lockout: too many failed logins for one alias of a mount, and its
/// logins are refused for a while, so secret IDs cannot be guessed at full speed.
///
/// As in OpenBao: the failure counts live in memory (bounded, `FailedLogins`); an
/// alias that reaches the threshold gets an entry `core/login/lockedUsers/<mount
/// accessor>/<alias>` (the time of its last failure) behind the barrier, so a lock
/// survives a restart and shows in `sys/locked-users`. Only aliases that exist can
/// fail (AppRole counts a wrong secret ID for a real role ID, not an unknown role
/// ID), so storage holds at most one entry per real user.
package final class UserLockouts: Sendable {
    static let storagePrefix = "core/login/lockedUsers/"
    /// Aliases whose failures are tracked at once; beyond, the stalest are dropped.
    static let capacity = 10_000

    private let barrier: SecurityBarrier
    private let clock: @Sendable () -> Date
    private let failures = Mutex(FailedLogins(capacity: UserLockouts.capacity))
    private let stanzas = Mutex<[UserLockoutStanza]>([])

    init(barrier: SecurityBarrier, clock: @escaping @Sendable () -> Date) {
        self.barrier = barrier
        self.clock = clock
    }

    /// The server config's `user_lockout` stanzas.
    package func configure(_ stanzas: [UserLockoutStanza]) {
        self.stanzas.withLock { $0 = stanzas }
    }

    /// The settings in force for a mount: its tune over the config over defaults.
    func settings(for mount: MountEntry) -> UserLockoutSettings {
        let fromConfig = UserLockoutStanza.settings(for: mount.type, in: stanzas.withLock { $0 })
        return fromConfig.tuned(by: mount.config.userLockout)
    }

    /// Runs a login for `alias` on `mount`: refused with 403 while the alias is
    /// locked; a failure with invalid credentials is counted, a success clears the
    /// count. Mounts of other types, and requests with no alias, pass through.
    func guarding(_ mount: MountEntry, alias: String?, _ login: () async throws -> MountResponse) async throws -> MountResponse {
        guard let alias, mount.table == .auth, UserLockoutSettings.supportedTypes.contains(mount.type) else {
            return try await login()
        }
        let settings = settings(for: mount)
        if settings.disable { return try await login() }
        let key = FailedLogins.Key(accessor: mount.accessor, alias: Array(alias.utf8))
        if try await isLocked(key, alias: alias, settings) {
            throw CoreError(.forbidden, "permission denied")
        }
        do {
            let answer = try await login()
            if answer.auth != nil { failures.withLock { $0.remove(key) } }
            return answer
        } catch let error as MountError where error.isInvalidCredentials {
            try await recordFailure(key, alias: alias, settings)
            throw error
        }
    }

    private var now: Int64 { Int64(saturating: clock().timeIntervalSince1970) }

    /// Where an alias stands, for `sys/explain/login`: the failures counted and,
    /// while locked, when the lock lifts. Nil when lockout does not apply to
    /// the mount or the login has no alias.
    package struct Standing: Sendable, Equatable {
        package let failures: UInt64
        package let threshold: UInt64
        /// Unix seconds; nil when not locked.
        package let lockedUntil: Int64?
    }

    func standing(_ mount: MountEntry, alias: String?) async throws -> Standing? {
        guard let alias, mount.table == .auth, UserLockoutSettings.supportedTypes.contains(mount.type) else { return nil }
        let settings = settings(for: mount)
        if settings.disable { return nil }
        let key = FailedLogins.Key(accessor: mount.accessor, alias: Array(alias.utf8))
        let counted = failures.withLock { $0[key] }
        let until = try await lockedUntil(key, alias: alias, settings)
        return Standing(
            failures: counted?.count ?? (until == nil ? 0 : settings.threshold), threshold: settings.threshold, lockedUntil: until)
    }

    private func isLocked(_ key: FailedLogins.Key, alias: String, _ settings: UserLockoutSettings) async throws -> Bool {
        try await lockedUntil(key, alias: alias, settings) != nil
    }

    /// When the alias's lock lifts, if it is locked now.
    private func lockedUntil(_ key: FailedLogins.Key, alias: String, _ settings: UserLockoutSettings) async throws -> Int64? {
        let now = self.now
        let lockedAt: Int64
        if let entry = failures.withLock({ $0[key] }) {
            guard entry.count >= settings.threshold else { return nil }
            lockedAt = entry.lastFailure
        } else {
            // Not counted since start: a lock from before a restart is in storage.
            guard let stored = try await storedLock(accessor: key.accessor, alias: alias) else { return nil }
            lockedAt = stored
        }
        let sum = lockedAt.addingReportingOverflow(settings.duration)
        let until = sum.overflow ? Int64.max : sum.partialValue
        return now < until ? until : nil
    }

    private func recordFailure(_ key: FailedLogins.Key, alias: String, _ settings: UserLockoutSettings) async throws {
        let now = self.now
        let entry = failures.withLock {
            $0.recordFailure(key, now: now, counterReset: settings.counterReset, expiry: max(settings.counterReset, settings.duration))
        }
        if entry.count >= settings.threshold {
            try await barrier.put(Self.path(key.accessor, alias), Data(String(entry.lastFailure).utf8))
        }
    }

    private func storedLock(accessor: String, alias: String) async throws -> Int64? {
        guard let data = try await barrier.get(Self.path(accessor, alias)) else { return nil }
        return Int64(String(decoding: data, as: UTF8.self))
    }

    /// Lifts a lock (`sys/locked-users/<accessor>/unlock/<alias>`); nothing to lift is fine.
    func unlock(accessor: String, alias: String) async throws {
        try await barrier.delete(Self.path(accessor, alias))
        failures.withLock { $0.remove(FailedLogins.Key(accessor: accessor, alias: Array(alias.utf8))) }
    }

    /// The locked aliases of each mount accessor in storage, or of one accessor.
    func locked(accessor: String?) async throws -> [(accessor: String, aliases: [String])] {
        let accessors: [String]
        if let accessor {
            accessors = [accessor]
        } else {
            accessors = try await barrier.list(prefix: Self.storagePrefix).filter { $0.hasSuffix("/") }.map { String($0.dropLast()) }
        }
        var result: [(accessor: String, aliases: [String])] = []
        for accessor in accessors {
            let aliases = try await barrier.list(prefix: Self.storagePrefix + accessor + "/").filter { !$0.hasSuffix("/") }
            result.append((accessor, aliases))
        }
        return result
    }

    static func path(_ accessor: String, _ alias: String) -> String {
        storagePrefix + accessor + "/" + alias
    }
}
