import CofferMountKit
import Foundation

extension AppRoleMount {
    /// Checks a secret ID and spends one use of it, atomically: of 50 logins racing
    /// on a single-use secret ID, exactly one gets through. The checks are made
    /// under the lock and recorded after it (the lock's closure cannot reach `log`).
    /// Without `spending` (an explanation) the same checks run and nothing is
    /// written: no use spent, no expired secret ID deleted.
    func spend(
        secret: String, role name: String, clientAddress: String?, spending: Bool = true,
        into log: inout LoginDecision<AppRoleLoginFailure>.Builder
    ) async throws -> AppRoleSecretID {
        let key = Self.hash(secret)
        let path = "secret-id/\(name)/\(key)"
        let clock = clock
        let (checks, spent) = try await locks.withLock(key) {
            [storage] () async throws -> ([LoginCheck<AppRoleLoginFailure>], AppRoleSecretID?) in
            typealias Check = LoginCheck<AppRoleLoginFailure>
            let issued = "a secret ID issued for role \"\(name)\""
            // An unknown secret ID for a real role is a guess: user lockout counts it.
            guard let entry = try await storage.getJSON(AppRoleSecretID.self, path) else {
                return (
                    [Check(name: "secret_id", expected: issued, actual: "does not match", outcome: .failed, failure: .unknownSecretID)], nil
                )
            }
            var checks = [Check(name: "secret_id", expected: issued, actual: "matches", outcome: .passed)]
            let now = clock()
            if let expires = entry.expires {
                let ttl = Check(
                    name: "secret_id_ttl", expected: "not expired", actual: "expires \(expires)",
                    outcome: expires <= now ? .failed : .passed, failure: expires <= now ? .secretIDExpired : nil)
                checks.append(ttl)
                if expires <= now {
                    guard spending else { return (checks, nil) }
                    try await storage.apply([.delete(path), .delete("accessor/\(name)/\(entry.accessor)")])
                    return (checks, nil)
                }
            } else {
                checks.append(Check(name: "secret_id_ttl", expected: "not expired", actual: "never expires", outcome: .skipped))
            }
            if entry.cidrList.isEmpty {
                checks.append(Check(name: "cidr_list", expected: "not configured", actual: "not checked", outcome: .skipped))
            } else {
                let inside = CIDRBlock.anyContains(entry.cidrList, clientAddress)
                let address = clientAddress ?? ""
                checks.append(
                    Check(
                        name: "cidr_list", expected: "an address in \(entry.cidrList.joined(separator: ", "))", actual: address,
                        outcome: inside ? .passed : .failed, failure: inside ? nil : .secretIDCIDRs(address: address)))
                if !inside { return (checks, nil) }
            }
            let uses: String
            if !spending {
                uses = entry.numUses > 0 ? "\(entry.numUses) left; an explanation spends none" : "unlimited"
            } else if entry.numUses == 1 {
                try await storage.apply([.delete(path), .delete("accessor/\(name)/\(entry.accessor)")])
                uses = "1 left: spent, the secret ID is deleted"
            } else if entry.numUses > 1 {
                var spent = entry
                spent.numUses -= 1
                spent.lastUpdated = now
                try await storage.putJSON(path, spent)
                uses = "\(entry.numUses) left, now \(spent.numUses)"
            } else {
                uses = "unlimited"
            }
            checks.append(Check(name: "secret_id_num_uses", expected: "a use left", actual: uses, outcome: .passed))
            return (checks, entry)
        }
        for check in checks { try log.record(check) }
        // Every path that returns no entry ends in a failed check, recorded above.
        guard let spent else { throw MountError.internal("secret ID refused without a reason") }
        return spent
    }
}
