/// What `GET <path>?help=1` answers and `vault path-help` prints: the matching
/// route, its synopsis, its fields and its description, laid out as OpenBao's
/// help template lays them out (so the CLI output reads the same).
package struct PathHelp: Sendable {
    /// The path asked about, relative to its mount.
    package let requestPath: String
    /// The route that matched; nil when none did (help on the mount as a whole).
    package let pattern: PathPattern?
    package let synopsis: String
    /// The path's fields and captures, sorted by name.
    package let fields: [FieldSpec]
    package let description: String
    /// For a path no route matches: each route with its synopsis.
    package let routes: [(route: String, synopsis: String)]
    /// The operations the route answers, for the OpenAPI document.
    package let operations: [MountOperation]

    package init(
        requestPath: String, pattern: PathPattern?, synopsis: String, fields: [FieldSpec], description: String,
        routes: [(route: String, synopsis: String)] = [], operations: [MountOperation] = []
    ) {
        self.requestPath = requestPath
        self.pattern = pattern
        self.synopsis = synopsis
        self.fields = fields.sorted { $0.name < $1.name }
        self.description = description
        self.routes = routes
        self.operations = operations
    }

    /// The route as a regular expression, as OpenBao shows it (`^data/(?P<path>.*)$`).
    package var route: String { pattern?.routeExpression ?? "^.*$" }

    /// The help text, as the CLI prints it.
    package var text: String {
        var text = "Request:        \(requestPath)\nMatching Route: \(route)\n\n\(synopsis)\n\n"
        if !fields.isEmpty {
            text += "## PARAMETERS\n"
            for field in fields {
                text += "\n    \(field.name) (\(field.typeName))\n\n\(Self.indented(field.description, by: 8))\n"
            }
        }
        text += "\n## DESCRIPTION\n\n\(description)"
        if !routes.isEmpty {
            text += "\n\n\n## PATHS\n\n" + Self.pathsPreamble
            for (route, synopsis) in routes {
                text += "\n\n    \(route)\n\(Self.indented(synopsis, by: 8))"
            }
        }
        return text.trimmingTrailingWhitespace
    }

    private static let pathsPreamble = """
        The following paths are supported by this backend. To view help for
        any of the paths below, use the help command with any route matching
        the path pattern. Note that depending on the policy of your auth token,
        you may or may not be able to access certain paths.
        """

    /// Every line of `text` indented by `count` spaces (blank lines too, as Go's
    /// template helper does).
    static func indented(_ text: String, by count: Int) -> String {
        let pad = String(repeating: " ", count: count)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
    }
}

extension String {
    fileprivate var trimmingTrailingWhitespace: String {
        var scalars = unicodeScalars[...]
        while let last = scalars.last, last == " " || last == "\n" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
