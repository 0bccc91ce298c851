/// Buffers the patches `git log` streams and scans them on several cores (spec §2.2, §15).
///
/// Identical blob pairs at one path are scanned once: the first in a batch is scanned, the
/// others and later batches reuse its occurrences from the cache (bounded by
/// `--max-cache`). Attribution to commits happens after the scan, in stream order, so
/// findings do not depend on scheduling.
struct PatchBatch {
    typealias Found = (added: [Occurrence], removed: [Occurrence])

    let scanner: RadarScanner
    let allowlist: Allowlist
    /// Patches held before a parallel scan: enough to keep every core busy, few enough
    /// that memory stays bounded by a batch of diffs.
    let capacity: Int
    private var pending: [FilePatch] = []
    private var cache: [String: Found] = [:]

    init(scanner: RadarScanner) {
        self.scanner = scanner
        allowlist = scanner.allowlist
        capacity = 128 * max(1, scanner.options.jobs)
    }

    mutating func add(_ patch: FilePatch, into aggregator: inout FindingAggregator) {
        guard !allowlist.allowsPath(patch.path) else { return }
        pending.append(patch)
        if pending.count >= capacity { flush(into: &aggregator) }
    }

    mutating func flush(into aggregator: inout FindingAggregator) {
        guard !pending.isEmpty else { return }
        let patches = pending
        pending.removeAll(keepingCapacity: true)
        // Which patches need a scan: no cache key, or the first of a key not cached yet.
        var firstOfKey: [String: Int] = [:]
        var toScan: [Int] = []
        for (index, patch) in patches.enumerated() {
            if let key = Self.cacheKey(patch) {
                guard cache[key] == nil, firstOfKey[key] == nil else { continue }
                firstOfKey[key] = index
            }
            toScan.append(index)
        }
        let scanner = self.scanner
        let scanned = ParallelMap.map(toScan.map { patches[$0] }, jobs: scanner.options.jobs) { Self.scan($0, with: scanner) }
        var fresh: [Int: Found] = [:]
        for (position, index) in toScan.enumerated() {
            fresh[index] = scanned[position]
            if let key = Self.cacheKey(patches[index]), cache.count < scanner.options.maxCacheEntries {
                cache[key] = scanned[position]
            }
        }
        for (index, patch) in patches.enumerated() {
            let key = Self.cacheKey(patch)
            let found = fresh[index] ?? key.flatMap { cache[$0] ?? firstOfKey[$0].flatMap { fresh[$0] } } ?? ([], [])
            attribute(found, of: patch, into: &aggregator)
        }
    }

    private func attribute(_ found: Found, of patch: FilePatch, into aggregator: inout FindingAggregator) {
        for occurrence in found.added + found.removed {
            var attributed = occurrence
            attributed.location.commit = patch.commit.sha
            attributed.location.author = patch.commit.author
            attributed.location.email = patch.commit.email
            attributed.location.date = patch.commit.date
            aggregator.add(attributed, timestamp: patch.commit.timestamp)
        }
    }

    private static func cacheKey(_ patch: FilePatch) -> String? {
        patch.blobPair.map { $0 + "\u{0}" + patch.path }
    }

    private static func scan(_ patch: FilePatch, with scanner: RadarScanner) -> Found {
        (
            lines(patch.added, numbers: patch.addedLines, patch: patch, change: .added, scanner: scanner),
            lines(patch.removed, numbers: patch.removedLines, patch: patch, change: .removed, scanner: scanner)
        )
    }

    private static func lines(
        _ bytes: [UInt8], numbers: [Int], patch: FilePatch, change: FindingLocation.Change, scanner: RadarScanner
    ) -> [Occurrence] {
        guard !numbers.isEmpty else { return [] }
        let path = change == .removed ? (patch.oldPath ?? patch.path) : patch.path
        let fragment = Fragment(bytes: bytes, path: path, traits: .forFile(path: path), lineNumbers: numbers, change: change)
        return scanner.fragmentScanner.occurrences(in: fragment)
    }
}
