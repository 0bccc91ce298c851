import Foundation

/// The `{{identity...}}` parameters of a templated policy path, resolved for one
/// token's entity (Vault's ACL templating). A parameter that cannot be resolved
/// (no entity, a missing metadata key, an unknown accessor, an empty value)
/// makes the whole rule not apply: it must never match on an empty segment.
package enum IdentityTemplate {
    /// Whether a policy path holds template parameters.
    package static func isTemplated(_ path: String) -> Bool {
        path.contains("{{")
    }

    /// The path with each parameter replaced, or nil when one cannot be. A value
    /// holding `/`, `*` or `+` is refused too: substituted text is data, and must
    /// not add a segment or a wildcard to the rule.
    package static func resolve(_ path: String, for identity: IdentityContext?) -> String? {
        guard let identity else { return nil }
        var result = ""
        var rest = Substring(path)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { return nil }
            result += rest[..<open.lowerBound]
            let parameter = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = value(of: parameter, identity), !value.isEmpty,
                !value.contains(where: { $0 == "/" || $0 == "*" || $0 == "+" })
            else { return nil }
            result += value
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// One parameter's value; nil when the entity (or its groups) has none.
    static func value(of parameter: String, _ identity: IdentityContext) -> String? {
        let parts = parameter.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[0] == "identity" else { return nil }
        switch parts[1] {
        case "entity": return entityValue(parts, identity.entity)
        case "groups": return groupValue(parts, identity.groups)
        default: return nil
        }
    }

    private static func entityValue(_ parts: [String], _ entity: Entity) -> String? {
        switch parts[2] {
        case "id" where parts.count == 3: return entity.id
        case "name" where parts.count == 3: return entity.name
        case "metadata" where parts.count == 4: return entity.metadata[parts[3]]
        case "aliases" where parts.count == 4:
            // <accessor>.id | .name | .metadata.<key>
            let tail = parts[3].split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard tail.count >= 2, let alias = entity.alias(accessor: tail[0]) else { return nil }
            switch tail[1] {
            case "id" where tail.count == 2: return alias.id
            case "name" where tail.count == 2: return alias.name
            case "metadata" where tail.count == 3: return alias.metadata[tail[2]]
            default: return nil
            }
        default: return nil
        }
    }

    /// `identity.groups.ids.<id>.name|metadata.<key>` and
    /// `identity.groups.names.<name>.id|metadata.<key>`, of groups the entity is in.
    private static func groupValue(_ parts: [String], _ groups: [IdentityGroup]) -> String? {
        guard parts.count == 4, parts[2] == "ids" || parts[2] == "names" else { return nil }
        let tail = parts[3].split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard tail.count >= 2 else { return nil }
        let byID = parts[2] == "ids"
        guard let group = groups.first(where: { byID ? $0.id == tail[0] : $0.name == tail[0] }) else { return nil }
        switch tail[1] {
        case "id" where tail.count == 2 && !byID: return group.id
        case "name" where tail.count == 2 && byID: return group.name
        case "metadata" where tail.count == 3: return group.metadata[tail[2]]
        default: return nil
        }
    }
}
