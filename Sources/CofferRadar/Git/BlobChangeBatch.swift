import Foundation
import Synchronization

/// Buffers the changes `git log --raw` streams, scans each distinct blob once, and attributes
/// secrets to commits by comparing the blobs before and after each change (spec §2.2, §15).
///
/// A secret is *added* by a change when the new blob holds it and the old one did not, and
/// *removed* when the reverse holds; its line is the one in the new (or old) file. Scans are
/// cached by (blob id, path), the path because rules and allowlists depend on it, so a file
/// content reached by many commits is read and scanned once (bounded by `--max-cache`).
/// Attribution happens on the reading thread in stream order, so findings do not depend on
/// scheduling.
struct BlobChangeBatch {
    /// What a blob held: its occurrences, and whether it could be read.
    struct Scanned: Sendable {
        var occurrences: [Occurrence] = []
        var bytes = 0
        var unreadable = false
    }

    /// Identifies a secret within one blob, to tell kept values from added and removed ones.
    /// Filled by the scanning threads, read after they are all done.
    private final class Results: Sendable {
        let value = Mutex<[String: Scanned]>([:])
    }

    private struct ValueKey: Hashable {
        let rule: Int
        let value: [UInt8]
    }

    let scanner: RadarScanner
    let reader: BlobReader
    /// Changes held before the blobs they need are read: enough to keep every core busy.
    let capacity: Int
    /// False for `--staged`: a pre-commit hook cares only about what the commit would add.
    var reportsRemovals = true
    private var pending: [BlobChange] = []
    private var cache: [String: Scanned] = [:]
    private(set) var bytesScanned = 0
    private(set) var blobsScanned = 0
    private(set) var errors: [String] = []

    init(scanner: RadarScanner, reader: BlobReader) {
        self.scanner = scanner
        self.reader = reader
        capacity = 512 * max(1, scanner.options.jobs)
    }

    mutating func add(_ change: BlobChange, into aggregator: inout FindingAggregator) {
        guard !scanner.allowlist.allowsPath(change.path) else { return }
        pending.append(change)
        if pending.count >= capacity { flush(into: &aggregator) }
    }

    /// Reads and scans the blobs the pending changes need, then attributes every change.
    mutating func flush(into aggregator: inout FindingAggregator) {
        let changes = pending
        pending.removeAll(keepingCapacity: true)
        var wanted: [String: [String]] = [:]  // blob id → paths it is scanned under
        var order: [String] = []
        for change in changes {
            for blob in [change.oldBlob, change.newBlob].compactMap({ $0 }) {
                let key = Self.key(blob, change.path)
                guard cache[key] == nil, !(wanted[blob]?.contains(change.path) ?? false) else { continue }
                if wanted[blob] == nil { order.append(blob) }
                wanted[blob, default: []].append(change.path)
            }
        }
        let fresh = scanBlobs(order, paths: wanted)
        for (key, scanned) in fresh {
            bytesScanned += scanned.bytes
            if scanned.bytes > 0 { blobsScanned += 1 }
            if cache.count < scanner.options.maxCacheEntries { cache[key] = scanned }
        }
        for change in changes {
            let old = change.oldBlob.map { fresh[Self.key($0, change.path)] ?? cache[Self.key($0, change.path)] ?? Scanned() }
            let new = change.newBlob.map { fresh[Self.key($0, change.path)] ?? cache[Self.key($0, change.path)] ?? Scanned() }
            if old?.unreadable == true || new?.unreadable == true {
                let commit = change.commit.map { " in commit \($0.sha.prefix(12))" } ?? ""
                errors.append("cannot read a blob of \(change.path)\(commit)")
            }
            attribute(old: old?.occurrences ?? [], new: new?.occurrences ?? [], of: change, into: &aggregator)
        }
    }

    /// Reads `blobs` in order and scans each under its paths, on `jobs` threads beside the reader.
    private func scanBlobs(_ blobs: [String], paths: [String: [String]]) -> [String: Scanned] {
        let results = Results()
        let jobs = max(1, scanner.options.jobs)
        let running = DispatchGroup()
        // At most two blobs per core wait or run at once: memory stays bounded by blob size.
        let slots = DispatchSemaphore(value: 2 * jobs)
        let scanner = self.scanner
        reader.read(blobs) { blob, content in
            let scanPaths = paths[blob] ?? []
            let work: @Sendable () -> Void = {
                var found: [String: Scanned] = [:]
                for path in scanPaths { found[Self.key(blob, path)] = Self.scan(content, path: path, with: scanner) }
                results.value.withLock { $0.merge(found) { first, _ in first } }
            }
            if jobs == 1 {
                work()
                return
            }
            slots.wait()
            DispatchQueue.global().async(group: running) {
                work()
                slots.signal()
            }
        }
        running.wait()
        return results.value.withLock { $0 }
    }

    private static func scan(_ blob: BlobReader.Blob, path: String, with scanner: RadarScanner) -> Scanned {
        switch blob {
        case .unreadable: return Scanned(unreadable: true)
        case .tooLarge: return Scanned()
        case .content(let bytes):
            // Same rule as the tree walk: a NUL byte in the first 8 KiB means binary.
            if bytes.prefix(8192).contains(0) { return Scanned() }
            let fragment = Fragment(bytes: bytes, path: path, traits: .forFile(path: path))
            return Scanned(occurrences: scanner.fragmentScanner.occurrences(in: fragment), bytes: bytes.count)
        }
    }

    private func attribute(
        old: [Occurrence], new: [Occurrence], of change: BlobChange, into aggregator: inout FindingAggregator
    ) {
        guard !old.isEmpty || !new.isEmpty else { return }
        let before = Set(old.map { ValueKey(rule: $0.ruleIndex, value: $0.value) })
        let after = Set(new.map { ValueKey(rule: $0.ruleIndex, value: $0.value) })
        let timestamp = change.commit?.timestamp ?? 0
        let kind: FindingLocation.Change = change.standalone ? .present : .added
        for occurrence in new where !before.contains(ValueKey(rule: occurrence.ruleIndex, value: occurrence.value)) {
            aggregator.add(Self.located(occurrence, change: kind, commit: change.commit), timestamp: timestamp)
        }
        guard reportsRemovals else { return }
        for occurrence in old where !after.contains(ValueKey(rule: occurrence.ruleIndex, value: occurrence.value)) {
            aggregator.add(Self.located(occurrence, change: .removed, commit: change.commit), timestamp: timestamp)
        }
    }

    private static func located(_ occurrence: Occurrence, change: FindingLocation.Change, commit: CommitInfo?) -> Occurrence {
        var located = occurrence
        located.location.change = change
        located.location.commit = commit?.sha
        located.location.author = commit?.author
        located.location.email = commit?.email
        located.location.date = commit?.date
        return located
    }

    private static func key(_ blob: String, _ path: String) -> String {
        blob + "\u{0}" + path
    }
}
