import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Files that hold credentials (tokens, private keys): created owner-only from the
/// first byte, never written and then chmod'ed, which leaves a window in which the
/// umask's mode (often 0644) lets another user open the file and keep the descriptor.
package enum PrivateFile {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Replaces `path` atomically with `data`: a temporary file in the same directory,
    /// created with `O_EXCL | O_NOFOLLOW` and `mode`, written, synced, then renamed
    /// over `path`. A symlink planted at `path` is replaced, not followed.
    package static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let suffix = SecureRandom.bytes(8).map { String($0, radix: 16) }.joined()
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).tmp-\(suffix)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            // The umask may have taken bits from `mode`; set exactly what was asked.
            guard fchmod(fd, mode) == 0, writeAll(fd, data), fsync(fd) == 0 else {
                throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }
        guard rename(temporary, path) == 0 else {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        renamed = true
    }

    private static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }
}
