import Foundation

/// Runs the system `git` binary in a repository, streaming stdout line by line.
///
/// Memory stays bounded whatever the history size: only the current chunk and line are held.
struct GitProcess {
    let repository: String
    var executable = "/usr/bin/env"

    /// Runs `git args`, calling `onLine` for each stdout line (without `\n`); returns the exit status.
    /// Lines are slices of the chunk read, not copies: a history is millions of lines.
    @discardableResult
    func stream(_ arguments: [String], onLine: (ArraySlice<UInt8>) -> Void) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["git", "-C", repository, "-c", "core.quotePath=false"] + arguments
        let pipe = Pipe()
        Self.closeOnExec(pipe)
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return -1
        }
        let handle = pipe.fileHandleForReading
        var pending: [UInt8] = []
        while let chunk = try? handle.read(upToCount: 256 * 1024), !chunk.isEmpty {
            var start = 0
            let bytes = Array(chunk)
            for index in bytes.indices where bytes[index] == 0x0A {
                if pending.isEmpty {
                    onLine(bytes[start..<index])
                } else {
                    pending += bytes[start..<index]
                    onLine(pending[...])
                    pending.removeAll(keepingCapacity: true)
                }
                start = index + 1
            }
            pending += bytes[start...]
        }
        if !pending.isEmpty { onLine(pending[...]) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs `git args` and returns stdout, or nil on a non-zero exit.
    func capture(_ arguments: [String]) -> Data? {
        var output = Data()
        let status = stream(arguments) { line in
            output.append(contentsOf: line)
            output.append(0x0A)
        }
        return status == 0 ? output : nil
    }

    /// Marks both ends of `pipe` close-on-exec in this process. Another git started meanwhile
    /// (a scan on another thread, the long-running `cat-file`) would otherwise inherit them and
    /// hold a write end open, so the reader here would never see end of stream. The child
    /// still gets its own end: it is duplicated onto fd 0 or 1, which clears the flag.
    static func closeOnExec(_ pipe: Pipe) {
        for fd in [pipe.fileHandleForReading.fileDescriptor, pipe.fileHandleForWriting.fileDescriptor] {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }
}
