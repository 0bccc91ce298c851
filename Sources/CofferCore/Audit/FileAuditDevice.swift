import CofferMountKit
import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The `file` audit device: one JSON line per entry, appended to a file (or to
/// standard output with `file_path=stdout`), every sensitive string HMAC'd with
/// this device's own salt.
///
/// The file is reopened when the open file has been removed (or replaced by a
/// rename over it), and on SIGHUP, which log rotation by renaming sends; a write
/// that fails is reported so that the broker can refuse the request (fail closed).
package final class FileAuditDevice: AuditDevice {
    package let entry: AuditDeviceEntry
    package let redaction: AuditRedaction
    private let filePath: String
    private let mode: mode_t
    /// The open descriptor; -1 when not open.
    private let handle = Mutex<Int32>(-1)

    package init(entry: AuditDeviceEntry, salt: SymmetricKey) throws {
        self.entry = entry
        guard let path = entry.options["file_path"] ?? entry.options["path"], !path.isEmpty else {
            throw CoreError.badRequest("file_path is required")
        }
        filePath = path
        mode = mode_t(entry.options["mode"].flatMap { UInt32($0, radix: 8) } ?? 0o600)
        redaction = AuditRedaction(
            salt: salt, logsRaw: (entry.options["log_raw"] ?? "false") == "true",
            hashesAccessors: (entry.options["hmac_accessor"] ?? "true") != "false"
        )
        if let format = entry.options["format"], format != "json" {
            throw CoreError.badRequest("unsupported format \"\(format)\": only json")
        }
        try write(Data())
    }

    /// A request line first checks that the file still has a name; its response
    /// line follows at once, so once per request is enough.
    package func write(_ line: AuditLine) async throws {
        try write(line.bytes, reopenIfRemoved: line.kind == .request)
    }

    package func reload() async {
        reopen()
    }

    package func close() async {
        reopen()
    }

    /// Appends one line; throws when it could not be written. `reopenIfRemoved`
    /// checks first whether the file still has a name (once per request: the
    /// response line follows its request line at once).
    package func write(_ line: Data, reopenIfRemoved: Bool = true) throws {
        if filePath == "stdout" {
            guard line.isEmpty || FileHandle.standardOutput.writeAll(line) else { throw CoreError(.internal, "audit: stdout write failed") }
            return
        }
        try handle.withLock { fd in
            var info = stat()
            // The open file has no name left (removed, or replaced): reopen the path.
            // fstat, not stat: no path lookup on every line.
            if fd >= 0, reopenIfRemoved, fstat(fd, &info) != 0 || info.st_nlink == 0 {
                Glibc.close(fd)
                fd = -1
            }
            if fd < 0 {
                // Created with its mode (no write-then-chmod window); `O_NOFOLLOW`: a
                // symlink planted at the path (to a file the server may write) is refused.
                let opened = open(filePath, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode)
                guard opened >= 0, fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                    if opened >= 0 { Glibc.close(opened) }
                    throw CoreError(.internal, "audit: cannot open the log file")
                }
                // An existing file gets the device's mode, as Vault chmods it (on the
                // descriptor, not the path: no race with a rename). Mode 0 leaves it.
                if mode != 0, info.st_mode & 0o7777 != mode, fchmod(opened, mode) != 0 {
                    Glibc.close(opened)
                    throw CoreError(.internal, "audit: cannot set the log file's mode")
                }
                fd = opened
            }
            guard !line.isEmpty else { return }
            let written = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written == line.count else {
                Glibc.close(fd)
                fd = -1
                throw CoreError(.internal, "audit: write to the log file failed")
            }
        }
    }

    /// Closes the file so that the next write opens it anew (SIGHUP, log rotation).
    package func reopen() {
        handle.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    deinit {
        reopen()
    }
}

extension FileHandle {
    /// Writes everything; false on failure instead of trapping.
    func writeAll(_ data: Data) -> Bool {
        do {
            try write(contentsOf: data)
            return true
        } catch {
            return false
        }
    }
}
