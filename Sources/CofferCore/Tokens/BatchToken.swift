import CofferEncoding
import Foundation

/// A batch token: the token's entry itself, encrypted under the barrier's keyring
/// and handed to the client (`b.` + base64url), as Vault's. Nothing is stored when
/// one is made and nothing is read when one is used, so logins that issue them
/// cost CPU alone, and every node of a cluster that shares the keyring accepts them.
///
/// What that costs, as in Vault: no accessor, no renewal, no children, no
/// cubbyhole, no revocation of its own (it ends at expiry, or with its parent).
enum BatchToken {
    static let prefix = "b."
    /// The associated data of the ciphertext: a batch token never opens as anything else.
    static let context = "sys/token/batch"
    /// Tokens longer than this are not ours; refused before any decoding.
    static let maximumLength = 4096

    /// Seconds a creation time or TTL may hold (up to the year 9999): the keyring
    /// vouches for the bytes, but a date far off must still not trap the arithmetic.
    private static let validTimes: ClosedRange<Int64> = 0...253_402_300_799

    static func isBatch(_ tokenID: String) -> Bool { tokenID.hasPrefix(prefix) }

    /// The token id for an entry. The payload keeps only what a batch token can
    /// have, under short keys: the token rides in a header on every request.
    static func id(for entry: TokenEntry, barrier: SecurityBarrier) throws -> String {
        var record = StoredRecord()
        record.set("p", entry.policies)
        record.set("pa", entry.path)
        record.set("d", entry.displayName)
        record.set("m", entry.meta)
        // Milliseconds: whole seconds would make a 15-minute token answer 899 s.
        record.set("c", Int64(saturating: (entry.creationTime.timeIntervalSince1970 * 1000).rounded(.down)))
        record.set("t", entry.creationTTL)
        record.set("pt", entry.parentHash)
        record.set("b", entry.boundCIDRs)
        if !entry.entityID.isEmpty { record.set("e", entry.entityID) }
        let sealed = try barrier.encryptDetached(record.data, context: context)
        return prefix + Base64URL.encode(sealed)
    }

    /// The entry a batch token carries, expired or not; nil for anything that does
    /// not open under the keyring or does not parse (a forged or damaged token).
    /// `hash` is the store's keyed hash of the whole id.
    static func entry(from tokenID: String, hash: String, barrier: SecurityBarrier) throws -> TokenEntry? {
        guard isBatch(tokenID), tokenID.utf8.count <= maximumLength,
            let sealed = Base64URL.decode(tokenID.dropFirst(prefix.count)),
            let payload = try barrier.decryptDetached(sealed, context: context),
            let fields = try? StoredFields(payload, record: "batch token"),
            let created = try? fields.int("c"), let ttl = try? fields.int("t"),
            validTimes.contains(created / 1000), validTimes.contains(ttl), ttl > 0
        else { return nil }
        let creationTime = Date(timeIntervalSince1970: TimeInterval(created) / 1000)
        return TokenEntry(
            accessor: "", policies: fields.strings("p") ?? [], path: fields.optionalString("pa") ?? "",
            displayName: fields.optionalString("d") ?? "", meta: fields.stringMap("m"), creationTime: creationTime,
            creationTTL: ttl, expireTime: creationTime.addingTimeInterval(TimeInterval(ttl)), explicitMaxTTL: 0, period: 0,
            numUses: 0, renewable: false, parentHash: fields.optionalString("pt"), type: TokenEntry.batchType,
            boundCIDRs: fields.strings("b"), lastRenewal: nil, hash: hash, entityID: fields.optionalString("e") ?? ""
        )
    }
}
