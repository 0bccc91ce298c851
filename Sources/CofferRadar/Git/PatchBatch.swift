import Foundation
import Synchronization

/// Buffers the patches `git log` streams and scans them on several cores (spec §2.2, §15).
///
/// A batch is scanned in the background while the next one is read, so `git log`, which
/// computes the diffs, keeps running beside the scanner instead of waiting on a full pipe.
/// Identical blob pairs at one path are scanned once: the first is scanned, the others reuse
/// its occurrences from the cache (bounded by `--max-cache`). Attribution to commits happens
/// on the reading thread in stream order, so findings do not depend on scheduling.
struct PatchBatch {
    typealias Found = (added: [Occurrence], removed: [Occurrence])

    /// A batch whose scan runs in the background.
    private struct InFlight {
        let patches: [FilePatch]
        /// Index in `patches` to index in the scan's results, for the patches scanned.
        let scanned: [Int: Int]
        /// Keys whose first patch is in this batch, for the ones after it.
        let firstOfKey: [String: Int]
        let done: DispatchGroup
        let results: Results
    }

    /// Written once by the background scan before `done` is left, read after waiting on it.
    private final class Results: Sendable {
        let value = Mutex<[Found]>([])
    }

    let scanner: RadarScanner
    let allowlist: Allowlist
    /// Patches held before a scan: enough to keep every core busy, few enough that memory
    /// stays bounded by two batches of diffs.
    let capacity: Int
    private var pending: [FilePatch] = []
    private var cache: [String: Found] = [:]
    /// Keys being scanned in the batch in flight: later patches with them wait for the cache.
    private var inFlightKeys = Set<String>()
    private var inFlight: InFlight? = nil

    init(scanner: RadarScanner) {
        self.scanner = scanner
        allowlist = scanner.allowlist
        capacity = 128 * max(1, scanner.options.jobs)
    }

    mutating func add(_ patch: FilePatch, into aggregator: inout FindingAggregator) {
        guard !allowlist.allowsPath(patch.path) else { return }
        pending.append(patch)
        if pending.count >= capacity { flush(into: &aggregator, final: false) }
    }

    /// Starts scanning the pending patches after attributing the batch before them; with
    /// `final`, also waits for this last one.
    mutating func flush(into aggregator: inout FindingAggregator, final: Bool = true) {
        let patches = pending
        pending.removeAll(keepingCapacity: true)
        // Only defer to the batch in flight while the cache has room to keep its results.
        let canDefer = cache.count + capacity < scanner.options.maxCacheEntries
        var firstOfKey: [String: Int] = [:]
        var toScan: [Int] = []
        for (index, patch) in patches.enumerated() {
            if let key = Self.cacheKey(patch) {
                if cache[key] != nil || firstOfKey[key] != nil || (canDefer && inFlightKeys.contains(key)) { continue }
                firstOfKey[key] = index
            }
            toScan.append(index)
        }
        complete(into: &aggregator)
        guard !patches.isEmpty else { return }
        let results = Results()
        let done = DispatchGroup()
        let scanner = self.scanner
        let work = toScan.map { patches[$0] }
        done.enter()
        DispatchQueue.global().async {
            let found = ParallelMap.map(work, jobs: scanner.options.jobs) { Self.scan($0, with: scanner) }
            results.value.withLock { $0 = found }
            done.leave()
        }
        var scanned: [Int: Int] = [:]
        for (position, index) in toScan.enumerated() { scanned[index] = position }
        inFlight = InFlight(patches: patches, scanned: scanned, firstOfKey: firstOfKey, done: done, results: results)
        inFlightKeys = Set(firstOfKey.keys)
        if final { complete(into: &aggregator) }
    }

    /// Waits for the batch in flight, caches its results and attributes it.
    private mutating func complete(into aggregator: inout FindingAggregator) {
        guard let batch = inFlight else { return }
        inFlight = nil
        inFlightKeys = []
        batch.done.wait()
        let found = batch.results.value.withLock { $0 }
        func fresh(_ index: Int) -> Found? { batch.scanned[index].flatMap { $0 < found.count ? found[$0] : nil } }
        for (index, patch) in batch.patches.enumerated() {
            guard let key = Self.cacheKey(patch), let result = fresh(index), cache.count < scanner.options.maxCacheEntries
            else { continue }
            cache[key] = result
        }
        for (index, patch) in batch.patches.enumerated() {
            let key = Self.cacheKey(patch)
            let result = fresh(index) ?? key.flatMap { cache[$0] ?? batch.firstOfKey[$0].flatMap(fresh) } ?? ([], [])
            attribute(result, of: patch, into: &aggregator)
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
