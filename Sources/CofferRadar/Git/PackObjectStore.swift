import CZlib
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads blobs straight from a repository's pack files (spec §15: history throughput).
///
/// A history scan reads every version of every file: through `git cat-file --batch` each byte
/// is inflated by git, written to a pipe and read back. Here the packs are mapped and objects
/// inflated in process (pack index v2 lookup, offset and reference deltas, a bounded cache of
/// delta bases). Anything it cannot answer (a loose object, an unknown pack format, a damaged
/// object) is `nil`, and the caller asks `cat-file`, which stays the authority on what a
/// repository holds. Every read is bounds-checked: a corrupt pack never traps.
///
/// Used from one thread (the history scan's reading thread).
final class PackObjectStore {
    /// What a lookup gives: the object's type and content, or only its type and size when over the limit.
    enum Object {
        case content(type: Int, bytes: [UInt8])
        case tooLarge(type: Int)
    }

    static let blobType = 3
    private static let offsetDelta = 6
    private static let referenceDelta = 7

    private let packs: [Pack]
    private let hashLength: Int
    private var cache: [CacheKey: (type: Int, bytes: [UInt8])] = [:]
    private var cacheOrder: [CacheKey] = []
    private var cacheHead = 0
    private var cacheBytes = 0
    private let cacheLimit = 96 << 20

    private struct CacheKey: Hashable {
        let pack: Int
        let offset: Int
    }

    /// The packs of the repository at `repository` and its alternates; nil when there is none
    /// or the object format is unknown.
    init?(git: GitProcess) {
        guard let format = git.capture(["rev-parse", "--show-object-format"]).map({ String(decoding: $0, as: UTF8.self) }),
            let objects = git.capture(["rev-parse", "--git-path", "objects"]).map({ String(decoding: $0, as: UTF8.self) })
        else { return nil }
        switch format.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "sha1": hashLength = 20
        case "sha256": hashLength = 32
        default: return nil
        }
        var directory = objects.trimmingCharacters(in: .whitespacesAndNewlines)
        if !directory.hasPrefix("/") { directory = git.repository + "/" + directory }
        var directories = [directory]
        if let alternates = FileManager.default.contents(atPath: directory + "/info/alternates") {
            for line in String(decoding: alternates, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
                let path = String(line).trimmingCharacters(in: .whitespaces)
                directories.append(path.hasPrefix("/") ? path : directory + "/" + path)
            }
        }
        var packs: [Pack] = []
        for directory in directories {
            let packDirectory = directory + "/pack"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: packDirectory)) ?? []
            for name in names.sorted() where name.hasSuffix(".idx") {
                let base = packDirectory + "/" + name.dropLast(4)
                if let pack = Pack(index: base + ".idx", pack: base + ".pack", hashLength: hashLength) { packs.append(pack) }
            }
        }
        guard !packs.isEmpty else { return nil }
        self.packs = packs
    }

    /// The object `id` (hex), or nil when no pack holds it or it cannot be read here.
    func object(_ id: String, maxSize: Int) -> Object? {
        guard let hash = Self.bytes(hex: id), hash.count == hashLength else { return nil }
        guard let (pack, offset) = locate(hash) else { return nil }
        let object = read(pack: pack, offset: offset, maxSize: maxSize, depth: 0)
        // Packs store the newest version whole and older ones as deltas against it, and a history
        // is read newest first: what was just read is likely the next one's base.
        if case .content(let type, let bytes)? = object { remember(CacheKey(pack: pack, offset: offset), type: type, bytes: bytes) }
        return object
    }

    /// The object at `offset`, resolving its delta chain; deltas are applied from the nearest cached base.
    private func read(pack index: Int, offset: Int, maxSize: Int, depth: Int) -> Object? {
        if let cached = cache[CacheKey(pack: index, offset: offset)] {
            return cached.bytes.count > maxSize ? .tooLarge(type: cached.type) : .content(type: cached.type, bytes: cached.bytes)
        }
        guard depth < 4096 else { return nil }
        let pack = packs[index]
        guard let header = pack.header(at: offset) else { return nil }
        switch header.type {
        case 1...4:
            if header.size > maxSize { return .tooLarge(type: header.type) }
            guard let bytes = pack.inflate(at: header.dataOffset, size: header.size) else { return nil }
            return .content(type: header.type, bytes: bytes)
        case Self.offsetDelta, Self.referenceDelta:
            let base: (pack: Int, offset: Int)
            if header.type == Self.offsetDelta {
                guard let baseOffset = header.baseOffset else { return nil }
                base = (index, baseOffset)
            } else {
                guard let id = header.baseID, let found = locate(id) else { return nil }
                base = found
            }
            guard let delta = pack.inflate(at: header.dataOffset, size: header.size) else { return nil }
            var cursor = 0
            guard Self.varint(delta, &cursor) != nil, let resultSize = Self.varint(delta, &cursor) else { return nil }
            // The base may be any size; only the result is held to the limit.
            guard case .content(let type, let baseBytes)? = read(pack: base.pack, offset: base.offset, maxSize: .max, depth: depth + 1)
            else { return nil }
            remember(CacheKey(pack: base.pack, offset: base.offset), type: type, bytes: baseBytes)
            if resultSize > maxSize { return .tooLarge(type: type) }
            guard let result = Self.apply(delta, from: cursor, to: baseBytes, resultSize: resultSize) else { return nil }
            return .content(type: type, bytes: result)
        default:
            return nil
        }
    }

    private func locate(_ hash: [UInt8]) -> (pack: Int, offset: Int)? {
        for (index, pack) in packs.enumerated() {
            if let offset = pack.offset(of: hash) { return (index, offset) }
        }
        return nil
    }

    /// Keeps a delta base; the oldest go first once over the limit.
    private func remember(_ key: CacheKey, type: Int, bytes: [UInt8]) {
        guard cache[key] == nil, bytes.count <= cacheLimit / 8 else { return }
        cache[key] = (type, bytes)
        cacheOrder.append(key)
        cacheBytes += bytes.count
        while cacheBytes > cacheLimit, cacheHead < cacheOrder.count {
            if let dropped = cache.removeValue(forKey: cacheOrder[cacheHead]) { cacheBytes -= dropped.bytes.count }
            cacheHead += 1
        }
        if cacheHead > 4096 {
            cacheOrder.removeFirst(cacheHead)
            cacheHead = 0
        }
    }

    /// A little-endian base-128 size from a delta header.
    static func varint(_ bytes: [UInt8], _ cursor: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while cursor < bytes.count, shift < 63 {
            let byte = bytes[cursor]
            cursor += 1
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// Git's delta format: copy ranges of the base and insert literal bytes.
    static func apply(_ delta: [UInt8], from start: Int, to base: [UInt8], resultSize: Int) -> [UInt8]? {
        var ok = true
        let result = [UInt8](unsafeUninitializedCapacity: resultSize) { out, initialized in
            var cursor = start
            var written = 0
            while cursor < delta.count {
                let op = delta[cursor]
                cursor += 1
                if op & 0x80 != 0 {
                    var offset = 0
                    var size = 0
                    for bit in 0..<4 where op & (1 << bit) != 0 {
                        guard cursor < delta.count else {
                            ok = false
                            return
                        }
                        offset |= Int(delta[cursor]) << (8 * bit)
                        cursor += 1
                    }
                    for bit in 0..<3 where op & (0x10 << bit) != 0 {
                        guard cursor < delta.count else {
                            ok = false
                            return
                        }
                        size |= Int(delta[cursor]) << (8 * bit)
                        cursor += 1
                    }
                    if size == 0 { size = 0x10000 }
                    guard offset <= base.count, size <= base.count - offset, size <= resultSize - written else {
                        ok = false
                        return
                    }
                    base.withUnsafeBufferPointer { source in
                        guard let from = source.baseAddress, let to = out.baseAddress else { return }
                        (to + written).update(from: from + offset, count: size)
                    }
                    written += size
                } else if op != 0 {
                    let size = Int(op)
                    guard size <= delta.count - cursor, size <= resultSize - written else {
                        ok = false
                        return
                    }
                    delta.withUnsafeBufferPointer { source in
                        guard let from = source.baseAddress, let to = out.baseAddress else { return }
                        (to + written).update(from: from + cursor, count: size)
                    }
                    cursor += size
                    written += size
                } else {
                    ok = false
                    return
                }
            }
            ok = ok && written == resultSize
            initialized = ok ? resultSize : 0
        }
        return ok ? result : nil
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

/// One mapped pack file and its version 2 index.
private final class Pack {
    struct Header {
        let type: Int
        let size: Int
        let dataOffset: Int
        var baseOffset: Int? = nil
        var baseID: [UInt8]? = nil
    }

    private let index: MappedFile
    private let pack: MappedFile
    private let hashLength: Int
    private let count: Int

    init?(index indexPath: String, pack packPath: String, hashLength: Int) {
        guard let index = MappedFile(path: indexPath), let pack = MappedFile(path: packPath) else { return nil }
        self.index = index
        self.pack = pack
        self.hashLength = hashLength
        // "\377tOc", version 2, then 256 cumulative counts.
        guard index.count >= 8 + 1024, index.bytes[0] == 0xFF, index.bytes[1] == 0x74, index.bytes[2] == 0x4F, index.bytes[3] == 0x63,
            index.uint32(at: 4) == 2, let total = index.uint32(at: 8 + 255 * 4)
        else { return nil }
        count = Int(total)
        guard index.count >= 8 + 1024 + count * (hashLength + 8), pack.count >= 12,
            pack.bytes[0] == UInt8(ascii: "P"), pack.bytes[1] == UInt8(ascii: "A"), pack.bytes[2] == UInt8(ascii: "C"),
            pack.bytes[3] == UInt8(ascii: "K")
        else { return nil }
    }

    /// The pack offset of `hash`, by the fan-out table and a binary search.
    func offset(of hash: [UInt8]) -> Int? {
        guard let first = hash.first else { return nil }
        let low = first == 0 ? 0 : Int(index.uint32(at: 8 + (Int(first) - 1) * 4) ?? 0)
        guard let highCount = index.uint32(at: 8 + Int(first) * 4) else { return nil }
        var lower = low
        var upper = min(Int(highCount), count)
        let names = 8 + 1024
        while lower < upper {
            let middle = (lower + upper) / 2
            let order = index.compare(hash, at: names + middle * hashLength)
            if order == 0 { return entryOffset(middle) }
            if order < 0 { upper = middle } else { lower = middle + 1 }
        }
        return nil
    }

    private func entryOffset(_ entry: Int) -> Int? {
        let offsets = 8 + 1024 + count * (hashLength + 4)
        guard let small = index.uint32(at: offsets + entry * 4) else { return nil }
        if small & 0x8000_0000 == 0 { return Int(small) }
        let large = offsets + count * 4 + Int(small & 0x7FFF_FFFF) * 8
        guard let high = index.uint32(at: large), let low = index.uint32(at: large + 4) else { return nil }
        let value = UInt64(high) << 32 | UInt64(low)
        return value < UInt64(Int.max) ? Int(value) : nil
    }

    /// The object header at `offset`: type, inflated size, and the delta base when it is a delta.
    func header(at offset: Int) -> Header? {
        var cursor = offset
        guard cursor >= 12, cursor < pack.count else { return nil }
        var byte = pack.bytes[cursor]
        cursor += 1
        let type = Int((byte >> 4) & 0x7)
        var size = Int(byte & 0x0F)
        var shift = 4
        while byte & 0x80 != 0 {
            guard cursor < pack.count, shift < 60 else { return nil }
            byte = pack.bytes[cursor]
            cursor += 1
            size |= Int(byte & 0x7F) << shift
            shift += 7
        }
        switch type {
        case 6:
            guard cursor < pack.count else { return nil }
            byte = pack.bytes[cursor]
            cursor += 1
            var distance = Int(byte & 0x7F)
            while byte & 0x80 != 0 {
                guard cursor < pack.count, distance < Int.max >> 8 else { return nil }
                byte = pack.bytes[cursor]
                cursor += 1
                distance = ((distance + 1) << 7) | Int(byte & 0x7F)
            }
            guard distance > 0, distance <= offset else { return nil }
            return Header(type: type, size: size, dataOffset: cursor, baseOffset: offset - distance)
        case 7:
            guard cursor + hashLength <= pack.count else { return nil }
            let id = Array(pack.bytes[cursor..<(cursor + hashLength)])
            return Header(type: type, size: size, dataOffset: cursor + hashLength, baseID: id)
        default:
            return Header(type: type, size: size, dataOffset: cursor)
        }
    }

    /// Inflates the zlib stream at `offset`, which must give exactly `size` bytes.
    func inflate(at offset: Int, size: Int) -> [UInt8]? {
        guard offset < pack.count, let base = pack.bytes.baseAddress else { return nil }
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: base + offset)
        stream.avail_in = UInt32(clamping: pack.count - offset)
        var ok = false
        // One byte of room more than announced, so a stream longer than its header says is caught.
        let output = [UInt8](unsafeUninitializedCapacity: size + 1) { out, initialized in
            guard let target = out.baseAddress else { return }
            stream.next_out = target
            stream.avail_out = UInt32(clamping: size + 1)
            let status = CZlib.inflate(&stream, Z_FINISH)
            ok = status == Z_STREAM_END && Int(stream.total_out) == size
            initialized = ok ? size : 0
        }
        return ok ? output : nil
    }
}

/// A read-only memory map of a whole file.
private final class MappedFile {
    let bytes: UnsafeBufferPointer<UInt8>
    var count: Int { bytes.count }

    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0, let size = Int(exactly: info.st_size) else { return nil }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != UnsafeMutableRawPointer(bitPattern: -1) else {
            return nil
        }
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// Big-endian 32-bit value at `offset`, or nil past the end.
    func uint32(at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// memcmp of `hash` against the bytes at `offset` (1 when past the end).
    func compare(_ hash: [UInt8], at offset: Int) -> Int32 {
        guard offset >= 0, offset + hash.count <= bytes.count, let base = bytes.baseAddress else { return 1 }
        return hash.withUnsafeBytes { raw in
            guard let pointer = raw.baseAddress else { return 1 }
            return memcmp(pointer, base + offset, hash.count)
        }
    }
}
