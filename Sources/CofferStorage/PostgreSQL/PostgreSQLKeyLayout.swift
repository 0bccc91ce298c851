/// How a storage key becomes a row, as OpenBao lays out its PostgreSQL table:
/// `a/b/c` is parent `/a/`, path `/a/b/`, key `c`. Listing a folder is then two
/// indexed lookups: the keys whose path is the folder, and the subfolders whose
/// parent path starts with it.
struct PostgreSQLKeyLayout: Equatable {
    var parentPath: String
    var path: String
    var key: String
}

extension PostgreSQLKeyLayout {
    init(_ fullKey: String) {
        let pieces = fullKey.split(separator: "/", omittingEmptySubsequences: false)
        key = String(pieces.last ?? "")
        switch pieces.count {
        case 0, 1:
            parentPath = ""
            path = "/"
        case 2:
            parentPath = "/"
            path = "/" + pieces[0] + "/"
        default:
            parentPath = "/" + pieces.dropLast(2).joined(separator: "/") + "/"
            path = "/" + pieces.dropLast().joined(separator: "/") + "/"
        }
    }

    /// The path column of the folder `prefix` (`app/` -> `/app/`, `` -> `/`).
    static func folderPath(_ prefix: String) -> String { "/" + prefix }

    /// A LIKE pattern matching every text that starts with `text`, literally.
    static func likePrefix(_ text: String) -> String {
        var pattern = ""
        for character in text.unicodeScalars {
            if character == "\\" || character == "%" || character == "_" { pattern.unicodeScalars.append("\\") }
            pattern.unicodeScalars.append(character)
        }
        return pattern + "%"
    }
}
