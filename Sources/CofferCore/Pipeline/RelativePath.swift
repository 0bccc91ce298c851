/// Vault's `logical.IsRelativePath`: a request path with a `.` or `..` segment is
/// refused before anything else (`relative paths not supported`), so no later stage
/// (the router, a mount path, a storage key) ever sees one. Double slashes are left
/// alone, as Vault leaves them.
enum RelativePath {
    static func isRelative(_ path: String) -> Bool {
        let segments = Array(path.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        return segments.contains { $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8) }
    }
}
