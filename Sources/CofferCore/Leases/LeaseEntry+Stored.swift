import CofferEncoding
import CofferMountKit
import Foundation

extension LeaseEntry {
    /// The entry as stored at `sys/expire/id/<lease id>`.
    var stored: Data {
        var record = StoredRecord()
        record.set("id", id)
        record.set("kind", kind.rawValue)
        record.set("path", path)
        record.set("mount_path", mountPath)
        record.set("issue_time", issueTime)
        record.set("expire_time", expireTime)
        record.set("last_renewal", lastRenewal)
        if let lease {
            record.set(
                "lease",
                [
                    "ttl": .int(lease.ttl), "max_ttl": .int(lease.maxTTL), "renewable": .bool(lease.renewable),
                    "internal_data": .object(lease.internalData),
                ])
        }
        record.set("token_hash", tokenHash)
        if revokeAttempts > 0 { record.set("revoke_attempts", Int64(revokeAttempts)) }
        record.set("next_revoke_attempt", nextRevokeAttempt)
        record.set("revoke_error", revokeError)
        return record.data
    }

    init(stored data: Data) throws {
        let fields = try StoredFields(data, record: "lease")
        guard let kind = Kind(rawValue: try fields.string("kind")) else {
            throw StoredRecordError(description: "stored lease: kind is malformed")
        }
        var lease: MountLease?
        if case .object(let members)? = fields.value("lease") {
            guard case .int(let ttl)? = members["ttl"], case .int(let maxTTL)? = members["max_ttl"],
                case .bool(let renewable)? = members["renewable"]
            else { throw StoredRecordError(description: "stored lease: lease is malformed") }
            lease = MountLease(ttl: ttl, maxTTL: maxTTL, renewable: renewable, internalData: members["internal_data"]?.objectValue ?? [:])
        }
        self.init(
            id: try fields.string("id"), kind: kind, path: try fields.string("path"), mountPath: try fields.string("mount_path"),
            issueTime: try fields.date("issue_time"), expireTime: fields.optionalDate("expire_time"),
            lastRenewal: fields.optionalDate("last_renewal"), lease: lease, tokenHash: fields.optionalString("token_hash")
        )
        // Bounded so a record edited by hand cannot overflow the backoff.
        if case .int(let attempts)? = fields.value("revoke_attempts") { revokeAttempts = Int(max(0, min(attempts, 64))) }
        nextRevokeAttempt = fields.optionalDate("next_revoke_attempt")
        revokeError = fields.optionalString("revoke_error")
    }
}
