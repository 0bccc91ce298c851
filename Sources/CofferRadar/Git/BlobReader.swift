import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads blobs by id (spec §2.2, object walk): from the pack files in process
/// (`PackObjectStore`), and through one long-running `git cat-file --batch` for what the packs
/// do not answer (loose objects, damage: cat-file says what is really there).
///
/// A blob that cannot be read (missing, or a corrupt object that makes `cat-file` exit) is
/// reported to the caller and the process is restarted for the ids after it, so one bad
/// object costs one blob.
final class BlobReader {
    /// What `read` hands over for each id, in request order.
    enum Blob: Sendable {
        case content([UInt8])
        /// Larger than the scan's size limit: skipped unread (its bytes are drained).
        case tooLarge
        case unreadable
    }

    private let git: GitProcess
    private let maxSize: Int
    private var process: Process? = nil
    private var input: FileHandle? = nil
    private var output = PipeBuffer(handle: nil)
    /// The packs read in process; nil when the repository has none or `usePacks` is false.
    private var store: PackObjectStore? = nil
    private var storeTried = false

    private let usePacks: Bool

    init(git: GitProcess, maxSize: Int, usePacks: Bool = true) {
        self.git = git
        self.maxSize = maxSize
        self.usePacks = usePacks
    }

    deinit { stop() }

    /// Calls `onBlob` for each id in order: from the packs when they hold it, else from `cat-file`.
    func read(_ ids: [String], onBlob: (String, Blob) -> Void) {
        if store == nil, !storeTried {
            storeTried = true
            if usePacks { store = PackObjectStore(git: git) }
        }
        guard let store else { return readWithCatFile(ids, onBlob: onBlob) }
        var misses: [String] = []
        for id in ids {
            guard let object = store.object(id, maxSize: maxSize) else {
                misses.append(id)
                continue
            }
            if !misses.isEmpty {
                readWithCatFile(misses, onBlob: onBlob)
                misses.removeAll()
            }
            switch object {
            case .content(let type, let bytes): onBlob(id, type == PackObjectStore.blobType ? .content(bytes) : .unreadable)
            case .tooLarge(let type): onBlob(id, type == PackObjectStore.blobType ? .tooLarge : .unreadable)
            }
        }
        if !misses.isEmpty { readWithCatFile(misses, onBlob: onBlob) }
    }

    /// Reads `ids` in order through `git cat-file --batch`.
    private func readWithCatFile(_ ids: [String], onBlob: (String, Blob) -> Void) {
        var remaining = ids[...]
        while !remaining.isEmpty {
            guard start() else {
                for id in remaining { onBlob(id, .unreadable) }
                return
            }
            let writer = DispatchGroup()
            let request = Data(remaining.map { $0 + "\n" }.joined().utf8)
            // Written on another thread: cat-file stops reading once its stdout pipe is full.
            if let input {
                DispatchQueue.global().async(group: writer) { try? input.write(contentsOf: request) }
            }
            var answered = 0
            for id in remaining {
                guard let blob = next() else { break }
                answered += 1
                onBlob(id, blob)
            }
            writer.wait()
            if answered == remaining.count { return }
            // cat-file exited at the id after the last answer: that one is lost, the rest retried.
            stop()
            let lost = remaining.index(remaining.startIndex, offsetBy: answered)
            onBlob(remaining[lost], .unreadable)
            remaining = remaining[(lost + 1)...]
        }
    }

    /// The next answer, or nil when cat-file has exited.
    private func next() -> Blob? {
        guard let header = output.line() else { return nil }
        // "<id> blob <size>", or "<id> missing" / "<id> ambiguous".
        let fields = header.split(separator: 0x20)
        guard fields.count == 3, let size = Int(String(decoding: fields[2], as: UTF8.self)), size >= 0 else {
            return .unreadable
        }
        let isBlob = fields[1].elementsEqual("blob".utf8)
        if size > maxSize || !isBlob {
            guard output.skip(size + 1) else { return nil }
            return isBlob ? .tooLarge : .unreadable
        }
        guard let content = output.bytes(size), output.skip(1) else { return nil }
        return .content(content)
    }

    private func start() -> Bool {
        if process != nil { return true }
        // A write to a cat-file that died must fail with EPIPE rather than kill the scan.
        signal(SIGPIPE, SIG_IGN)
        let launched = Process()
        launched.executableURL = URL(fileURLWithPath: git.executable)
        launched.arguments = ["git", "-C", git.repository, "cat-file", "--batch"]
        let stdin = Pipe()
        let stdout = Pipe()
        GitProcess.closeOnExec(stdin)
        GitProcess.closeOnExec(stdout)
        launched.standardInput = stdin
        launched.standardOutput = stdout
        launched.standardError = FileHandle.nullDevice
        do {
            try launched.run()
        } catch {
            return false
        }
        // A 1 MiB pipe (F_SETPIPE_SZ) rather than 64 KiB: cat-file writes hundreds of MB, and
        // each full pipe is a pair of context switches. Best effort: the default still works.
        _ = fcntl(stdout.fileHandleForReading.fileDescriptor, 1031, 1 << 20)
        process = launched
        input = stdin.fileHandleForWriting
        output = PipeBuffer(handle: stdout.fileHandleForReading)
        return true
    }

    private func stop() {
        try? input?.close()
        input = nil
        if let process {
            // Its answers are no longer wanted: end it rather than read what it still writes.
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        process = nil
        output = PipeBuffer(handle: nil)
    }
}

/// Buffered reads of lines and counted bytes from a pipe.
struct PipeBuffer {
    let handle: FileHandle?
    private var buffer: [UInt8] = []
    private var start = 0
    private var scratch: [UInt8] = []

    init(handle: FileHandle?) {
        self.handle = handle
    }

    /// The next line without its `\n`, or nil at end of stream.
    mutating func line() -> [UInt8]? {
        var searched = 0  // bytes after `start` known to hold no line break; `fill` may move `start`
        while true {
            if let end = buffer[(start + searched)...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<end])
                start = end + 1
                return line
            }
            searched = buffer.count - start
            guard fill() else { return nil }
        }
    }

    /// Exactly `count` bytes, or nil when the stream ends first. What is not buffered yet is
    /// read straight into the result: blobs are most of the bytes, copied once.
    mutating func bytes(_ count: Int) -> [UInt8]? {
        let buffered = min(count, buffer.count - start)
        var complete = true
        let fd = handle?.fileDescriptor ?? -1
        let offset = start
        let result = buffer.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
                guard let target = out.baseAddress else {
                    complete = count == 0
                    return
                }
                if buffered > 0, let from = source.baseAddress { target.update(from: from + offset, count: buffered) }
                var filled = buffered
                while filled < count {
                    let got = read(fd, target + filled, count - filled)
                    if got < 0 && errno == EINTR { continue }
                    guard got > 0 else { break }
                    filled += got
                }
                complete = filled == count
                initialized = filled
            }
        }
        start += buffered
        return complete ? result : nil
    }

    /// Drops `count` bytes; false when the stream ends first.
    mutating func skip(_ count: Int) -> Bool {
        var left = count
        while true {
            let taken = min(left, buffer.count - start)
            start += taken
            left -= taken
            if left == 0 { return true }
            guard fill() else { return false }
        }
    }

    /// Appends what one `read(2)` returns. Not `FileHandle.read(upToCount:)`: that waits for
    /// the full count or end of stream, and cat-file answers one object and then waits for us.
    private mutating func fill() -> Bool {
        guard let handle else { return false }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: 1 << 18) }
        var got = -1
        repeat {
            got = scratch.withUnsafeMutableBytes { raw in
                raw.baseAddress.map { read(handle.fileDescriptor, $0, raw.count) } ?? -1
            }
        } while got < 0 && errno == EINTR
        guard got > 0 else { return false }
        buffer.append(contentsOf: scratch[0..<got])
        return true
    }
}
