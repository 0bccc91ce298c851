import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension SQLiteStorage {
    /// The database and its `-wal` / `-shm` companions, created owner-only before
    /// SQLite opens them.
    ///
    /// SQLite would create the database with 0644 less the umask, readable by every
    /// local user (the barrier encrypts values, but keys, sizes and the seal
    /// configuration are there). It creates `-wal` and `-shm` with the database's own
    /// mode, so a 0600 database gives 0600 companions; they are created here too, so
    /// that no umask or older file leaves one wider. `O_NOFOLLOW`: a symlink planted
    /// at any of the three paths is refused.
    static func prepareFiles(_ path: String) throws {
        for file in [path, path + "-wal", path + "-shm"] {
            let fd = open(file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw StorageError(.unavailable, "cannot open SQLite storage at \(path): \(file): \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                throw StorageError(.unavailable, "cannot open SQLite storage at \(path): \(file) is not a regular file")
            }
            // A file left by an older version (or another umask) is narrowed.
            if info.st_mode & 0o077 != 0, fchmod(fd, info.st_mode & 0o700) != 0 {
                throw StorageError(.unavailable, "cannot restrict the mode of \(file)")
            }
        }
    }
}
