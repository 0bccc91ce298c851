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
/// The file is reopened when its path no longer names the open file (rotated,
/// removed, replaced), and on SIGHUP; a write that fails is reported so that the
/// broker can refuse the request (fail closed).
package final class FileAuditDevice: Sendable {
    package let entry: AuditDeviceEntry
    /// HMAC keyed once with the device's salt; each value hashes a copy of it.
    private let keyedHMAC: HMAC<SHA256>
    private let filePath: String
    private let mode: mode_t
    /// The open descriptor and the inode it was opened on; -1 when not open.
    private let handle = Mutex<(fd: Int32, inode: UInt64)>((-1, 0))

    package let hashesAccessors: Bool
    package let logsRaw: Bool

    package init(entry: AuditDeviceEntry, salt: SymmetricKey) throws {
        self.entry = entry
        self.keyedHMAC = HMAC<SHA256>(key: salt)
        guard let path = entry.options["file_path"] ?? entry.options["path"], !path.isEmpty else {
            throw CoreError.badRequest("file_path is required")
        }
        filePath = path
        mode = mode_t(entry.options["mode"].flatMap { UInt32($0, radix: 8) } ?? 0o600)
        hashesAccessors = (entry.options["hmac_accessor"] ?? "true") != "false"
        logsRaw = (entry.options["log_raw"] ?? "false") == "true"
        if let format = entry.options["format"], format != "json" {
            throw CoreError.badRequest("unsupported format \"\(format)\": only json")
        }
        try write(Data())
    }

    /// `hmac-sha256:<hex>` of a value under this device's salt.
    package func hmac(_ value: String) -> String {
        var mac = keyedHMAC
        mac.update(data: Data(value.utf8))
        return "hmac-sha256:" + Hex.encode(mac.finalize())
    }

    /// Appends one line; throws when it could not be written.
    package func write(_ line: Data) throws {
        if filePath == "stdout" {
            guard line.isEmpty || FileHandle.standardOutput.writeAll(line) else { throw CoreError(.internal, "audit: stdout write failed") }
            return
        }
        try handle.withLock { state in
            var info = stat()
            // The path names another file now (rotated, replaced) or none: reopen.
            if state.fd >= 0, stat(filePath, &info) != 0 || UInt64(info.st_ino) != state.inode {
                close(state.fd)
                state = (-1, 0)
            }
            if state.fd < 0 {
                let fd = open(filePath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode)
                guard fd >= 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                    if fd >= 0 { close(fd) }
                    throw CoreError(.internal, "audit: cannot open the log file")
                }
                state = (fd, UInt64(info.st_ino))
            }
            guard !line.isEmpty else { return }
            let written = line.withUnsafeBytes { Glibc.write(state.fd, $0.baseAddress, $0.count) }
            guard written == line.count else {
                close(state.fd)
                state = (-1, 0)
                throw CoreError(.internal, "audit: write to the log file failed")
            }
        }
    }

    /// Closes the file so that the next write opens it anew (SIGHUP, log rotation).
    package func reopen() {
        handle.withLock { state in
            if state.fd >= 0 { close(state.fd) }
            state = (-1, 0)
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
