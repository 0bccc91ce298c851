import Foundation

/// One variable of a CircleCI env-var listing (spec §2.4): a name and where it is defined.
///
/// CircleCI's API never exports plaintext: project variables come masked (`xxxx` plus
/// the last four characters), context variables with no value at all.
struct EnvVarRecord: Sendable {
    /// Where the variable is defined.
    enum Scope: Sendable, Hashable {
        /// A project variable, by project slug (`gh/org/repo`).
        case project(String)
        /// A context variable, by context id and, when the export gives it, name.
        case context(id: String, name: String?)

        /// `project gh/org/repo` / `context deploy`: how reports name the scope.
        var label: String {
            switch self {
            case .project(let slug): "project \(slug)"
            case .context(let id, let name): "context \(name ?? id)"
            }
        }

        var isContext: Bool {
            if case .context = self { return true }
            return false
        }
    }

    let name: String
    let scope: Scope
    let createdAt: Date?
    let updatedAt: Date?
    /// The masked value of a project variable (`xxxx1a2b`); kept for the last-four hint only.
    let maskedValue: String?

    /// The date the value last changed, as far as the listing tells.
    var lastChanged: Date? { updatedAt ?? createdAt }
}
