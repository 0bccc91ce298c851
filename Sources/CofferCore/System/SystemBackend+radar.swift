import CofferEncoding
import CofferMountKit
import CofferRadar
import Foundation

/// `sys/radar/key`, `sys/radar/key/rotate` and `sys/radar/correlate` (spec/radar.md §11):
/// a scanner learns whether a leaked value is a live KV secret without either side seeing
/// the other's plaintext. The scanner sends slow keyed hashes; Coffer hashes the values the
/// caller's token may read and answers with the ones that match.
///
/// Only readable secrets are compared at all, so a token learns nothing about a path it
/// cannot read, not even that a match exists there. The audit log sees the request and
/// answer like any other: hashes, paths and the key are string leaves of the data, which
/// the audit pass HMACs, and stored values are never part of either.
extension SystemBackend {
    static let radarPaths: [SystemPath] = [
        route("radar/key", [.read], "Returns the radar correlation key and the cost of its slow hash.") { sys, c in
            try await sys.radarKey(c.call, rotate: false)
        },
        route("radar/key/rotate", [.update], "Replaces the radar correlation key; hashes under the old one stop matching.") {
            sys, c in
            try await sys.radarKey(c.call, rotate: true)
        },
        route("radar/correlate", [.update], "Tells which radar hashes match a KV secret the caller may read.") { sys, c in
            try await sys.radarCorrelate(c.call)
        },
        route("radar/correlate-last4", [.update], "Tells which secrets the caller may read end in masked CircleCI values' last four.") {
            sys, c in
            try await sys.radarCorrelateLastFour(c.call)
        },
    ]

    /// At most this many hashes per call (spec §11).
    static let maxCorrelateHashes = 1000

    func radarKey(_ call: BackendCall, rotate: Bool) async throws -> Response {
        let now = tokens.clock()
        let record = try await (rotate ? radar.rotate(barrier, now: now) : radar.key(barrier, now: now))
        guard let hasher = record.hasher else { throw CoreError(.internal, "the stored radar key is damaged; rotate it") }
        return .logical(
            LogicalResponse(
                requestID: call.request.id,
                data: [
                    "key": .string(record.key.base64EncodedString()),
                    "key_id": .string(hasher.hashKey.keyID),
                    "created_time": .string(Timestamps.rfc3339(record.created)),
                    "kdf": [
                        "name": "scrypt", "n": JSONValue(record.rounds), "r": JSONValue(record.blockSize),
                        "p": JSONValue(record.parallelism),
                    ],
                ]))
    }

    func radarCorrelate(_ call: BackendCall) async throws -> Response {
        let input = try await correlationInput(call)
        let hashes = await slowHashes(input.leaves.map(\.value), hasher: input.hasher)
        var matches: [JSONValue] = []
        for (leaf, hash) in zip(input.leaves, hashes) {
            guard let hash, input.wanted.contains(hash) else { continue }
            matches.append(Self.match(leaf, hash: hash))
        }
        var response = Self.correlationAnswer(call, matches: matches, input: input)
        if input.truncated { response.warnings = ["only part of the readable secrets was compared (budget reached)"] }
        return .logical(response)
    }

    /// `correlate-last4`: HMAC of the last four characters of every readable string value of
    /// at least 8 characters, against CircleCI's masked project variables (spec §2.4, item 5).
    /// Fast HMAC, not scrypt: four characters are a hint whatever the hash, and the answer says so.
    func radarCorrelateLastFour(_ call: BackendCall) async throws -> Response {
        let input = try await correlationInput(call)
        var matches: [JSONValue] = []
        for leaf in input.leaves where leaf.state == "current" {
            let text = String(decoding: leaf.value, as: UTF8.self)
            guard text.count >= 8, let hash = input.hasher.hashKey.last4Hash(String(text.suffix(4))), input.wanted.contains(hash)
            else { continue }
            matches.append(Self.match(leaf, hash: hash, evidence: "last4"))
        }
        return .logical(Self.correlationAnswer(call, matches: matches, input: input))
    }

    /// What both correlations start from: the hashes asked about (the call counted
    /// against the token's rate), the key, and the string values the token may read.
    private func correlationInput(_ call: BackendCall) async throws -> CorrelationInput {
        guard let token = call.token else { throw CoreError.permissionDenied }
        let wanted = try Self.correlateHashes(call.request.data)
        guard await radar.admit(token.hash, now: tokens.clock()) else {
            throw CoreError.badRequest("too many radar correlate calls for this token; wait a minute")
        }
        let record = try await radar.key(barrier, now: tokens.clock())
        guard let hasher = record.hasher else { throw CoreError(.internal, "the stored radar key is damaged; rotate it") }
        let (leaves, truncated) = try await KVSecretWalker(router: router, acl: policies.acl(for: token, identity: identity)).leaves()
        return CorrelationInput(wanted: wanted, hasher: hasher, leaves: leaves, truncated: truncated)
    }

    private static func match(_ leaf: KVSecretWalker.Leaf, hash: String, evidence: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = [
            "hash": .string(hash), "mount": .string(leaf.mount), "path": .string(leaf.path), "field": .string(leaf.field),
            "version": JSONValue(leaf.version), "state": .string(leaf.state),
        ]
        if let evidence { fields["evidence"] = .string(evidence) }
        return .object(fields)
    }

    private static func correlationAnswer(_ call: BackendCall, matches: [JSONValue], input: CorrelationInput) -> LogicalResponse {
        LogicalResponse(
            requestID: call.request.id,
            data: ["matches": .array(matches), "compared": JSONValue(input.leaves.count), "truncated": .bool(input.truncated)])
    }

    /// The `hashes` field: 1 to 1000 lower-case hex SHA-256-sized strings.
    static func correlateHashes(_ data: [String: JSONValue]) throws -> Set<String> {
        guard let list = data["hashes"]?.arrayValue, !list.isEmpty else {
            throw CoreError.badRequest("\"hashes\" must be a non-empty list of hex strings")
        }
        guard list.count <= maxCorrelateHashes else {
            throw CoreError.badRequest("at most \(maxCorrelateHashes) hashes per call")
        }
        var hashes = Set<String>()
        for item in list {
            guard let text = item.stringValue, text.utf8.count == 64,
                text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else { throw CoreError.badRequest("each hash must be 64 lower-case hex characters") }
            hashes.insert(text)
        }
        return hashes
    }

    /// Slow hashes of stored values, from the cache where it knows them, else computed on all cores.
    private func slowHashes(_ values: [[UInt8]], hasher: CorrelationHasher) async -> [String?] {
        let keyID = hasher.hashKey.keyID
        let macs = values.map { hasher.hashKey.valueHash($0) }
        var known = await radar.cachedHashes(macs, keyID: keyID)
        let missing = known.indices.filter { known[$0] == nil }
        guard !missing.isEmpty else { return known }
        let missingValues = missing.map { values[$0] }
        // Deliberately slow work: off the caller's task, spread over the cores.
        let computed = await Task.detached { hasher.hashAll(missingValues) }.value
        var learned: [(mac: String, hash: String)] = []
        for (index, hash) in zip(missing, computed) {
            known[index] = hash
            if let hash { learned.append((macs[index], hash)) }
        }
        await radar.remember(learned, keyID: keyID)
        return known
    }
}

/// The hashes a correlation asks about, and what it compares them with.
private struct CorrelationInput {
    let wanted: Set<String>
    let hasher: CorrelationHasher
    let leaves: [KVSecretWalker.Leaf]
    let truncated: Bool
}
