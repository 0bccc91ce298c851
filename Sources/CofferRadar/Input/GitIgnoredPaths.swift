/// The untracked files and directories a work tree's ignore rules exclude (`--respect-gitignore`, spec §2.1).
///
/// Asked of `git ls-files` rather than re-implemented: `.gitignore` files at every level,
/// `.git/info/exclude` and `core.excludesFile` all apply, exactly as git applies them.
/// Tracked files are never ignored, even when a pattern matches them, as in git.
struct GitIgnoredPaths: Sendable {
    private let files: Set<String>
    /// Directories ignored as a whole, without the trailing `/`.
    private let directories: Set<String>

    /// The ignored paths under `root`, relative to it; nil when `root` is not in a git work tree.
    static func load(root: String) -> GitIgnoredPaths? {
        let git = GitProcess(repository: root)
        let arguments = ["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"]
        guard let output = git.capture(arguments) else { return nil }
        var files = Set<String>()
        var directories = Set<String>()
        // `capture` appends a line break after each line; -z output has none of its own.
        for entry in output.split(separator: 0).map({ String(decoding: $0, as: UTF8.self) }) where entry != "\n" {
            let path = entry.hasSuffix("\n") ? String(entry.dropLast()) : entry
            if path.hasSuffix("/") { directories.insert(String(path.dropLast())) } else if !path.isEmpty { files.insert(path) }
        }
        return GitIgnoredPaths(files: files, directories: directories)
    }

    func ignores(file path: String) -> Bool { files.contains(path) }

    func ignores(directory path: String) -> Bool { directories.contains(path) }
}
