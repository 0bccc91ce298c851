import Foundation

/// Reads CircleCI env-var exports (spec §2.4) into records, tolerating what it cannot use.
///
/// Accepted shapes, alone or in a top-level array:
/// - a raw project page, `GET /api/v2/project/{slug}/envvar`: `{"items": [{name, value, created_at}]}`;
/// - a raw context page, `GET /api/v2/context/{id}/environment-variable`:
///   `{"items": [{variable, context_id, created_at, updated_at}]}`;
/// - a combined export: `{"projects": [{"slug", "items"}], "contexts": [{"id", "name", "items"}]}`.
/// A raw project page does not say its project: `defaultProject` names it.
struct EnvVarListingParser {
    var defaultProject = "project"

    /// Records, plus one message per part of the input that could not be read.
    func parse(_ bytes: [UInt8]) -> (records: [EnvVarRecord], problems: [String]) {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            return ([], ["not valid JSON"])
        }
        var records: [EnvVarRecord] = []
        var problems: [String] = []
        visitDocument(root, into: &records, problems: &problems)
        return (records, problems)
    }

    private func visitDocument(_ node: Any, into records: inout [EnvVarRecord], problems: inout [String]) {
        if let pages = node as? [Any] {
            for page in pages { visitDocument(page, into: &records, problems: &problems) }
            return
        }
        guard let object = node as? [String: Any] else {
            problems.append("an entry is neither an object nor an array")
            return
        }
        if let projects = object["projects"] as? [Any] {
            for case let project as [String: Any] in projects {
                let slug = (project["slug"] as? String) ?? (project["project_slug"] as? String) ?? defaultProject
                items(project).forEach { read($0, fallback: .project(slug), into: &records, problems: &problems) }
            }
        }
        if let contexts = object["contexts"] as? [Any] {
            for case let context as [String: Any] in contexts {
                let id = (context["id"] as? String) ?? (context["context_id"] as? String) ?? "unknown"
                let scope = EnvVarRecord.Scope.context(id: id, name: context["name"] as? String)
                items(context).forEach { read($0, fallback: scope, into: &records, problems: &problems) }
            }
        }
        if object["items"] != nil {
            items(object).forEach { read($0, fallback: .project(defaultProject), into: &records, problems: &problems) }
        }
    }

    /// The variable list of a page or an annotated entry (`items`, `envvars` or `variables`).
    private func items(_ object: [String: Any]) -> [Any] {
        (object["items"] as? [Any]) ?? (object["envvars"] as? [Any]) ?? (object["variables"] as? [Any]) ?? []
    }

    private func read(_ item: Any, fallback: EnvVarRecord.Scope, into records: inout [EnvVarRecord], problems: inout [String]) {
        guard let item = item as? [String: Any] else {
            problems.append("a variable entry is not an object")
            return
        }
        // Context items name themselves with `variable` and carry their context id.
        if let variable = item["variable"] as? String {
            var scope = fallback
            // An item names its context; the annotation around it may give the context's name too.
            if let id = item["context_id"] as? String {
                if case .context(let known, _) = fallback, known == id {
                    scope = fallback
                } else {
                    scope = .context(id: id, name: nil)
                }
            }
            records.append(
                EnvVarRecord(
                    name: variable, scope: scope, createdAt: Self.date(item["created_at"]), updatedAt: Self.date(item["updated_at"]),
                    maskedValue: nil))
            return
        }
        guard let name = item["name"] as? String else {
            problems.append("a variable entry has no name")
            return
        }
        records.append(
            EnvVarRecord(
                name: name, scope: fallback, createdAt: Self.date(item["created_at"]), updatedAt: Self.date(item["updated_at"]),
                maskedValue: item["value"] as? String))
    }

    /// CircleCI writes `2015-04-09T10:00:00.000Z`; fractional seconds are optional.
    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        return ISO8601DateFormatter().date(from: text)
    }
}
