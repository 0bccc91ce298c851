import CofferRadar
import Foundation

/// What the `sys/radar/` endpoints keep between requests: it serializes the key's creation
/// and rotation (two first callers must not each store a key), remembers the slow hashes
/// of stored values, and limits how often one token may ask.
///
/// An actor: it owns state and waits on the barrier. The slow hashes themselves are
/// computed outside it (`CorrelationHasher.hashAll`), so one caller's walk does not stall
/// another's key read.
package actor RadarCorrelationState {
    /// Slow hash by `HMAC(K, value)`: a stored value is hashed once per key, not per call.
    /// Bounded; emptied when full or when the key changes.
    private var hashes: [String: String] = [:]
    private var hashesKeyID = ""
    private let maxCachedHashes = 50_000
    /// Correlate calls per token in the current minute: anyone holding `K` can test guesses
    /// for low-entropy stored values through the endpoint (spec §11, threat notes).
    private var calls: [String: (minute: Int, count: Int)] = [:]
    let callsPerMinute: Int

    package init(callsPerMinute: Int = 60) {
        self.callsPerMinute = callsPerMinute
    }

    /// The key, made and stored on first use.
    func key(_ barrier: SecurityBarrier, now: Date) async throws -> RadarKeyRecord {
        if let stored = try await barrier.get(RadarKeyRecord.storagePath) {
            return try JSONDecoder().decode(RadarKeyRecord.self, from: stored)
        }
        return try await rotate(barrier, now: now)
    }

    /// A new key: hashes under the old one (baselines, cached hashes) stop matching.
    func rotate(_ barrier: SecurityBarrier, now: Date) async throws -> RadarKeyRecord {
        let record = RadarKeyRecord.fresh(at: now)
        try await barrier.put(RadarKeyRecord.storagePath, try JSONEncoder().encode(record))
        hashes = [:]
        return record
    }

    /// Counts a call; false when the token is over its budget for this minute.
    func admit(_ token: String, now: Date) -> Bool {
        let minute = Int(now.timeIntervalSince1970 / 60)
        if calls.count > 10_000 { calls = calls.filter { $0.value.minute == minute } }
        var entry = calls[token] ?? (minute: minute, count: 0)
        if entry.minute != minute { entry = (minute: minute, count: 0) }
        guard entry.count < callsPerMinute else { return false }
        entry.count += 1
        calls[token] = entry
        return true
    }

    func cachedHashes(_ macs: [String], keyID: String) -> [String?] {
        guard keyID == hashesKeyID else { return macs.map { _ in nil } }
        return macs.map { hashes[$0] }
    }

    func remember(_ pairs: [(mac: String, hash: String)], keyID: String) {
        if keyID != hashesKeyID || hashes.count + pairs.count > maxCachedHashes {
            hashes = [:]
            hashesKeyID = keyID
        }
        for pair in pairs { hashes[pair.mac] = pair.hash }
    }
}
