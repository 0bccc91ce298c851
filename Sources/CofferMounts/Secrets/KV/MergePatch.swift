import CofferEncoding
import CofferMountKit

/// JSON merge-patch (RFC 7396), as `PATCH` on KV v2 data and metadata applies it.
enum MergePatch {
    static func apply(_ patch: [String: JSONValue], to target: [String: JSONValue]) -> [String: JSONValue] {
        var result = target
        for (key, value) in patch {
            switch value {
            case .null:
                result.removeValue(forKey: key)
            case .object(let nested):
                let base = result[key]?.objectValue ?? [:]
                result[key] = .object(apply(nested, to: base))
            default:
                result[key] = value
            }
        }
        return result
    }
}
