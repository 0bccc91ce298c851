import Foundation
import Synchronization

/// Buffers the changes `git log --raw` streams, reads each blob they need once, and attributes
/// secrets to commits by comparing what the file held before and after (spec §2.2, §15).
///
/// A secret is *added* by a change when the new blob holds it and the old one did not, and
/// *removed* when the reverse holds; its line is the one in the new (or old) file.
///
/// A modification is compared on its changed lines only (`ChangedLines`): on each side, the
/// lines the other side lacks, with context. A value found in the windows of one side and not
/// the other still counts as kept when it occurs anywhere in the other blob, so moving a line
/// does not re-add its secret. Added and deleted files, dangling blobs and CircleCI configs
/// (whose YAML is parsed whole) are scanned whole; those scans are cached by (blob id, path), the
/// path because rules and allowlists depend on it (bounded by `--max-cache`). Blob contents are
/// kept in a byte-bounded cache, since a blob is the new side of one change and the old side of
/// another. Attribution happens on the reading thread in stream order, so findings do not depend
/// on scheduling.
struct BlobChangeBatch {
    /// What a whole blob held: its occurrences, and whether it could be read.
    struct Scanned: Sendable {
        var occurrences: [Occurrence] = []
        var bytes = 0
        var unreadable = false
    }

    /// What comparing the changed lines of a modification gave.
    struct Compared: Sendable {
        var added: [Occurrence] = []
        var removed: [Occurrence] = []
        var bytes = 0
        var unreadable = false
    }

    /// How a change is attributed.
    private enum Plan {
        /// Whole-blob scans of either side (absent for an added or deleted file).
        case whole(old: String?, new: String?)
        /// Changed lines of both sides.
        case regions(old: String, new: String)
    }

    /// Filled by the scanning threads, read after they are all done.
    private final class Results: Sendable {
        let whole = Mutex<[String: Scanned]>([:])
        let compared = Mutex<[Int: Compared]>([:])
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
    private var contents: BlobContentCache
    private var skippedPaths: [String: Bool] = [:]
    private(set) var bytesScanned = 0
    private(set) var blobsScanned = 0
    private(set) var errors: [String] = []

    init(scanner: RadarScanner, reader: BlobReader) {
        self.scanner = scanner
        self.reader = reader
        capacity = 512 * max(1, scanner.options.jobs)
        contents = BlobContentCache(byteLimit: 64 << 20)
    }

    mutating func add(_ change: BlobChange, into aggregator: inout FindingAggregator) {
        // A path recurs in many commits; its regular expressions run once.
        let skipped = skippedPaths[change.path] ?? scanner.allowlist.allowsPath(change.path)
        if skippedPaths.count < 1 << 20 { skippedPaths[change.path] = skipped }
        guard !skipped else { return }
        pending.append(change)
        if pending.count >= capacity { flush(into: &aggregator) }
    }

    /// Reads the blobs the pending changes need, scans them on `jobs` threads as they arrive,
    /// then attributes every change in order.
    mutating func flush(into aggregator: inout FindingAggregator) {
        let changes = pending
        pending.removeAll(keepingCapacity: true)
        guard !changes.isEmpty else { return }
        let plans = changes.map(Self.plan)
        // Units of work: whole scans keyed by (blob, path), and region comparisons by change index.
        var wholeUnits: [String: (blob: String, path: String)] = [:]
        var regionUnits: [Int] = []
        for (index, plan) in plans.enumerated() {
            switch plan {
            case .whole(let old, let new):
                for blob in [old, new].compactMap({ $0 }) {
                    let key = Self.key(blob, changes[index].path)
                    if cache[key] == nil { wholeUnits[key] = (blob, changes[index].path) }
                }
            case .regions: regionUnits.append(index)
            }
        }
        // Blobs to read, in first-use order, and the units waiting on each.
        var toRead: [String] = []
        var readPosition: [String: Int] = [:]
        func position(_ blob: String) -> Int {
            if contents[blob] != nil { return -1 }
            if let known = readPosition[blob] { return known }
            readPosition[blob] = toRead.count
            toRead.append(blob)
            return toRead.count - 1
        }
        var wholeAfter: [Int: [String]] = [:]  // read position → whole-unit keys ready then
        var regionsAfter: [Int: [Int]] = [:]  // read position → change indices ready then
        for (key, unit) in wholeUnits.sorted(by: { $0.key < $1.key }) {
            wholeAfter[position(unit.blob), default: []].append(key)
        }
        for index in regionUnits {
            guard case .regions(let old, let new) = plans[index] else { continue }
            regionsAfter[max(position(old), position(new)), default: []].append(index)
        }

        let results = Results()
        let jobs = max(1, scanner.options.jobs)
        let running = DispatchGroup()
        // At most two units per core wait or run at once.
        let slots = DispatchSemaphore(value: 2 * jobs)
        let scanner = self.scanner
        let reportsRemovals = self.reportsRemovals
        var batchContents: [String: BlobReader.Blob] = [:]
        // Units are small (a few windows each): they go to the other threads in groups, so the
        // hand-over does not cost more than the work.
        var queued: [@Sendable () -> Void] = []
        func send() {
            guard !queued.isEmpty else { return }
            let group = queued
            queued.removeAll(keepingCapacity: true)
            slots.wait()
            DispatchQueue.global().async(group: running) {
                for work in group { work() }
                slots.signal()
            }
        }
        func run(_ work: @escaping @Sendable () -> Void) {
            if jobs == 1 { return work() }
            queued.append(work)
            if queued.count >= 32 { send() }
        }
        func dispatch(after readIndex: Int) {
            for key in wholeAfter[readIndex] ?? [] {
                guard let unit = wholeUnits[key], let blob = batchContents[unit.blob] ?? contents[unit.blob] else { continue }
                run {
                    let scanned = Self.scan(blob, path: unit.path, with: scanner)
                    results.whole.withLock { $0[key] = scanned }
                }
            }
            for index in regionsAfter[readIndex] ?? [] {
                guard case .regions(let oldID, let newID) = plans[index],
                    let old = batchContents[oldID] ?? contents[oldID], let new = batchContents[newID] ?? contents[newID]
                else { continue }
                let path = changes[index].path
                run {
                    let compared = Self.compare(old: old, new: new, path: path, removals: reportsRemovals, with: scanner)
                    results.compared.withLock { $0[index] = compared }
                }
            }
        }
        dispatch(after: -1)
        var readIndex = 0
        reader.read(toRead) { blob, content in
            batchContents[blob] = content
            dispatch(after: readIndex)
            readIndex += 1
        }
        send()
        running.wait()
        for blob in toRead { if let content = batchContents[blob] { contents.insert(blob, content) } }

        let fresh = results.whole.withLock { $0 }
        for (key, scanned) in fresh {
            bytesScanned += scanned.bytes
            if scanned.bytes > 0 { blobsScanned += 1 }
            if cache.count < scanner.options.maxCacheEntries { cache[key] = scanned }
        }
        let compared = results.compared.withLock { $0 }
        for (index, change) in changes.enumerated() {
            switch plans[index] {
            case .whole(let oldID, let newID):
                let old = oldID.map { fresh[Self.key($0, change.path)] ?? cache[Self.key($0, change.path)] ?? Scanned() }
                let new = newID.map { fresh[Self.key($0, change.path)] ?? cache[Self.key($0, change.path)] ?? Scanned() }
                if old?.unreadable == true || new?.unreadable == true { unreadable(change) }
                attribute(old: old?.occurrences ?? [], new: new?.occurrences ?? [], of: change, into: &aggregator)
            case .regions:
                let result = compared[index] ?? Compared(unreadable: true)
                if result.unreadable { unreadable(change) }
                bytesScanned += result.bytes
                if result.bytes > 0 { blobsScanned += 1 }
                let timestamp = change.commit?.timestamp ?? 0
                for occurrence in result.added {
                    aggregator.add(Self.located(occurrence, change: .added, commit: change.commit), timestamp: timestamp)
                }
                for occurrence in result.removed {
                    aggregator.add(Self.located(occurrence, change: .removed, commit: change.commit), timestamp: timestamp)
                }
            }
        }
    }

    private mutating func unreadable(_ change: BlobChange) {
        let commit = change.commit.map { " in commit \($0.sha.prefix(12))" } ?? ""
        errors.append("cannot read a blob of \(change.path)\(commit)")
    }

    /// Modifications of ordinary files are compared by changed lines; everything else whole.
    private static func plan(_ change: BlobChange) -> Plan {
        if let old = change.oldBlob, let new = change.newBlob, !change.standalone, !RadarScanner.isCircleCIConfig(change.path) {
            return .regions(old: old, new: new)
        }
        return .whole(old: change.oldBlob, new: change.newBlob)
    }

    /// A whole blob: as CircleCI config first when it is one (its YAML paths win), then as text.
    private static func scan(_ blob: BlobReader.Blob, path: String, with scanner: RadarScanner) -> Scanned {
        switch blob {
        case .unreadable: return Scanned(unreadable: true)
        case .tooLarge: return Scanned()
        case .content(let bytes):
            if isBinary(bytes) { return Scanned() }
            var occurrences: [Occurrence] = []
            if RadarScanner.isCircleCIConfig(path) {
                occurrences += scanner.circleCIScanner().occurrences(bytes: bytes, path: path).occurrences
            }
            let fragment = Fragment(bytes: bytes, path: path, traits: .forFile(path: path))
            occurrences += scanner.fragmentScanner.occurrences(in: fragment)
            return Scanned(occurrences: occurrences, bytes: bytes.count)
        }
    }

    /// Same rule as the tree walk: a NUL byte in the first 8 KiB means binary.
    private static func isBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(8192).contains(0)
    }

    /// The secrets a modification added and removed, from the changed lines of both sides.
    static func compare(
        old: BlobReader.Blob, new: BlobReader.Blob, path: String, removals: Bool, with scanner: RadarScanner
    ) -> Compared {
        if case .unreadable = old { return Compared(unreadable: true) }
        if case .unreadable = new { return Compared(unreadable: true) }
        // A side that is too large or binary holds nothing scannable: the other counts whole.
        guard case .content(let oldBytes) = old, !isBinary(oldBytes) else {
            let scanned = scan(new, path: path, with: scanner)
            return Compared(added: scanned.occurrences, bytes: scanned.bytes)
        }
        guard case .content(let newBytes) = new, !isBinary(newBytes) else {
            let scanned = scan(old, path: path, with: scanner)
            return Compared(removed: removals ? scanned.occurrences : [], bytes: scanned.bytes)
        }
        let changed = ChangedLines(old: oldBytes, new: newBytes)
        let traits = FragmentTraits.forFile(path: path)
        /// Scans each window in place; only a window with candidates is copied into a fragment.
        func occurrences(_ bytes: [UInt8], _ windows: [Range<Int>]) -> [Occurrence] {
            var found: [Occurrence] = []
            var counted = (offset: 0, line: 1)
            for window in windows {
                let candidates = bytes.withUnsafeBufferPointer {
                    scanner.engine.scan(UnsafeBufferPointer(rebasing: $0[window]), traits: traits)
                }
                guard !candidates.isEmpty else { continue }
                counted.line += ChangedLines.newlines(bytes, from: counted.offset, upTo: window.lowerBound)
                counted.offset = window.lowerBound
                var fragment = Fragment(bytes: Array(bytes[window]), path: path, traits: traits)
                fragment.firstLine = counted.line
                found += scanner.fragmentScanner.occurrences(of: candidates, in: fragment)
            }
            return found
        }
        let after = occurrences(newBytes, changed.new)
        let before = removals || !after.isEmpty ? occurrences(oldBytes, changed.old) : []
        let scanned = (changed.old + changed.new).reduce(0) { $0 + $1.count }
        let beforeKeys = Set(before.map { ValueKey(rule: $0.ruleIndex, value: $0.value) })
        let afterKeys = Set(after.map { ValueKey(rule: $0.ruleIndex, value: $0.value) })
        var result = Compared(bytes: scanned)
        result.added = after.filter {
            !beforeKeys.contains(ValueKey(rule: $0.ruleIndex, value: $0.value)) && !ChangedLines.contains($0.value, in: oldBytes)
        }
        if removals {
            result.removed = before.filter {
                !afterKeys.contains(ValueKey(rule: $0.ruleIndex, value: $0.value)) && !ChangedLines.contains($0.value, in: newBytes)
            }
        }
        return result
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

/// Blob contents by id, oldest dropped first once over `byteLimit`.
struct BlobContentCache {
    let byteLimit: Int
    private var entries: [String: BlobReader.Blob] = [:]
    private var order: [String] = []
    private var head = 0
    private var bytes = 0

    init(byteLimit: Int) {
        self.byteLimit = byteLimit
    }

    subscript(id: String) -> BlobReader.Blob? { entries[id] }

    mutating func insert(_ id: String, _ blob: BlobReader.Blob) {
        guard entries[id] == nil else { return }
        let size = Self.size(blob)
        guard size <= byteLimit / 4 else { return }
        entries[id] = blob
        order.append(id)
        bytes += size
        while bytes > byteLimit, head < order.count {
            if let dropped = entries.removeValue(forKey: order[head]) { bytes -= Self.size(dropped) }
            head += 1
        }
        if head > 4096 {
            order.removeFirst(head)
            head = 0
        }
    }

    private static func size(_ blob: BlobReader.Blob) -> Int {
        if case .content(let bytes) = blob { return bytes.count + 64 }
        return 64
    }
}
