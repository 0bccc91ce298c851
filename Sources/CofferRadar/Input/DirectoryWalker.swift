import Foundation

/// Walks a directory tree for `scan dir` (spec §2.1): no symlink following by default,
/// loops safe when following, `.git/` and non-regular files skipped, size-limited.
struct DirectoryWalker {
    /// A file the walker hands on for scanning.
    struct Entry: Sendable {
        /// Path relative to the root, `/`-separated.
        let relativePath: String
        let absolutePath: String
        let size: Int
    }

    let root: String
    var followSymlinks = false
    var maxFileSize = 10 * 1024 * 1024
    var allowlist = Allowlist()
    /// Paths `.gitignore` rules exclude, with `--respect-gitignore`.
    var ignored: GitIgnoredPaths? = nil
    /// Directory depth cap: a last defence against pathological trees.
    var maxDepth = 64

    /// Counts of what was skipped, for the summary.
    struct Skips {
        var tooLarge = 0
        var allowlisted = 0
        var symlinks = 0
        var special = 0
        var gitignored = 0
    }

    /// Visits every scannable file in a stable order; returns skips and unreadable paths (exit 3).
    func walk(_ visit: (Entry) -> Void) -> (skips: Skips, errors: [String], warnings: [String]) {
        var skips = Skips()
        var errors: [String] = []
        // Worth telling but not a failed scan: links that lead nowhere or in a circle.
        var warnings: [String] = []
        var visitedDirectories = Set<String>()
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: root, isDirectory: &isDirectory) else {
            return (skips, ["cannot read \(root)"], [])
        }
        if !isDirectory.boolValue {
            let size = (try? fileManager.attributesOfItem(atPath: root)[.size] as? Int) ?? 0
            let name = URL(fileURLWithPath: root).lastPathComponent
            if size > maxFileSize { skips.tooLarge += 1 } else { visit(Entry(relativePath: name, absolutePath: root, size: size)) }
            return (skips, errors, warnings)
        }
        var stack: [(absolute: String, relative: String, depth: Int)] = [(root, "", 0)]
        while let (directory, relative, depth) = stack.popLast() {
            let real = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
            guard visitedDirectories.insert(real).inserted else {
                // Reached again through a followed link: a loop, or a second way in.
                warnings.append("skipped \(relative): a symbolic link back to a directory already scanned")
                continue
            }
            guard depth <= maxDepth else {
                warnings.append("skipped \(relative): deeper than \(maxDepth) directories")
                continue
            }
            let names: [String]
            do {
                names = try fileManager.contentsOfDirectory(atPath: directory).sorted()
            } catch {
                errors.append("cannot list \(relative.isEmpty ? "." : relative)")
                continue
            }
            var subdirectories: [(String, String, Int)] = []
            for name in names where name != ".git" {
                let absolute = directory + "/" + name
                let path = relative.isEmpty ? name : relative + "/" + name
                guard let attributes = try? fileManager.attributesOfItem(atPath: absolute),
                    var type = attributes[.type] as? FileAttributeType
                else {
                    errors.append("cannot stat \(path)")
                    continue
                }
                if type == .typeSymbolicLink {
                    guard followSymlinks else {
                        skips.symlinks += 1
                        continue
                    }
                    // fileExists follows the link: false for a dangling link and for a loop (ELOOP).
                    guard fileManager.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
                        skips.symlinks += 1
                        warnings.append("skipped \(path): a symbolic link that loops or leads nowhere")
                        continue
                    }
                    type = isDirectory.boolValue ? .typeDirectory : .typeRegular
                }
                if type == .typeDirectory {
                    if ignored?.ignores(directory: path) == true {
                        skips.gitignored += 1
                        continue
                    }
                    if allowlist.allowsPath(path + "/") {
                        skips.allowlisted += 1
                        continue
                    }
                    subdirectories.append((absolute, path, depth + 1))
                    continue
                }
                // FIFOs, sockets and devices would block or never end: never read them.
                guard type == .typeRegular else {
                    skips.special += 1
                    continue
                }
                if ignored?.ignores(file: path) == true {
                    skips.gitignored += 1
                    continue
                }
                if allowlist.allowsPath(path) {
                    skips.allowlisted += 1
                    continue
                }
                let size = (try? fileManager.attributesOfItem(atPath: absolute)[.size] as? Int) ?? (attributes[.size] as? Int ?? 0)
                if size > maxFileSize {
                    skips.tooLarge += 1
                    continue
                }
                visit(Entry(relativePath: path, absolutePath: absolute, size: size))
            }
            stack.append(contentsOf: subdirectories.reversed())
        }
        return (skips, errors, warnings)
    }
}

/// Reads a file and tells text from binary (NUL byte in the first 8 KiB).
enum FileSniffer {
    /// The file's bytes, nil if unreadable; `isBinary` when a NUL shows up early.
    static func read(_ path: String, limit: Int) -> (bytes: [UInt8], isBinary: Bool)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: limit + 1) else { return ([], false) }
        let bytes = Array(data.prefix(limit))
        return (bytes, isBinary(bytes))
    }

    static func isBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(8192).contains(0)
    }
}
