import CofferEncoding
import CofferMountKit

/// Walks the KV secrets a token may read and yields their string values with where they
/// live, for the correlate endpoint (spec §11).
///
/// It asks each KV mount through the mount contract (list, metadata, versioned reads), as
/// the pipeline would, so Core learns nothing of KV's storage layout; the ACL decides per
/// secret on the path a client would read. Nothing here goes through the audit log: the
/// values never leave the server.
struct KVSecretWalker {
    /// One string leaf of one version of one secret.
    struct Leaf {
        let mount: String
        let path: String
        let field: String
        let version: Int
        let state: String
        let value: [UInt8]
    }

    let router: MountRouter
    let acl: ACL
    /// Budgets: a correlate call stays bounded whatever the mounts hold.
    var maxSecrets = 5_000
    var maxVersionsPerSecret = 10
    var maxDepth = 32

    /// Every readable leaf, up to the budgets; `truncated` when a budget ran out.
    func leaves() async throws -> (leaves: [Leaf], truncated: Bool) {
        var leaves: [Leaf] = []
        var secrets = 0
        var truncated = false
        for mount in router.all where mount.entry.table == .secrets && mount.entry.type == "kv" {
            guard case .plugin(let handler) = mount.handler else { continue }
            let isV2 = mount.entry.options?["version"] == "2"
            var pending: [(prefix: String, depth: Int)] = [("", 0)]
            while let (prefix, depth) = pending.popLast() {
                for name in try await list(handler, mount, (isV2 ? "metadata/" : "") + prefix) {
                    let key = prefix + name
                    if name.hasSuffix("/") {
                        if depth < maxDepth { pending.append((key, depth + 1)) } else { truncated = true }
                        continue
                    }
                    let readPath = mount.entry.routePath + (isV2 ? "data/" : "") + key
                    guard acl.decide(ACLRequest(path: readPath, capability: .read)).isAllowed else { continue }
                    secrets += 1
                    guard secrets <= maxSecrets else { return (leaves, true) }
                    leaves += isV2 ? try await versions(handler, mount, key) : try await unversioned(handler, mount, key)
                }
            }
        }
        return (leaves, truncated)
    }

    private func list(_ handler: any Mount, _ mount: RoutedMount, _ path: String) async throws -> [String] {
        let answer = try? await handler.handle(request(.list, path, mount))
        return answer?.data?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    private func versions(_ handler: any Mount, _ mount: RoutedMount, _ key: String) async throws -> [Leaf] {
        guard let metadata = try? await handler.handle(request(.read, "metadata/" + key, mount)).data,
            case .int(let current)? = metadata["current_version"], let versions = metadata["versions"]?.objectValue
        else { return [] }
        let numbers = versions.keys.compactMap { Int($0) }.sorted(by: >).prefix(maxVersionsPerSecret)
        var leaves: [Leaf] = []
        for number in numbers {
            let read = request(.read, "data/" + key, mount, fields: ["version": JSONValue(number)])
            // Deleted and destroyed versions answer "not found": nothing to compare.
            guard let answer = try? await handler.handle(read), !answer.isNotFound, let data = answer.data?["data"] else { continue }
            let state = Int64(exactly: number) == current ? "current" : "old"
            leaves += Self.strings(data).map {
                Leaf(mount: mount.entry.routePath, path: key, field: $0.field, version: number, state: state, value: $0.value)
            }
        }
        return leaves
    }

    private func unversioned(_ handler: any Mount, _ mount: RoutedMount, _ key: String) async throws -> [Leaf] {
        guard let answer = try? await handler.handle(request(.read, key, mount)), let data = answer.data else { return [] }
        return Self.strings(.object(data)).map {
            Leaf(mount: mount.entry.routePath, path: key, field: $0.field, version: 0, state: "current", value: $0.value)
        }
    }

    private func request(
        _ operation: MountOperation, _ path: String, _ mount: RoutedMount, fields: [String: JSONValue] = [:]
    ) -> MountRequest {
        MountRequest(
            operation: operation, path: path, fields: RequestFields(fields), storage: mount.storage,
            mountPath: mount.entry.routePath)
    }

    /// Every string leaf of a secret's data, nested keys joined with dots.
    static func strings(_ value: JSONValue, prefix: String = "") -> [(field: String, value: [UInt8])] {
        switch value {
        case .string(let text):
            return [(prefix, Array(text.utf8))]
        case .object(let object):
            return object.sorted { $0.key < $1.key }.flatMap { strings($0.value, prefix: prefix.isEmpty ? $0.key : prefix + "." + $0.key) }
        case .array(let items):
            return items.enumerated().flatMap { strings($0.element, prefix: "\(prefix)[\($0.offset)]") }
        default:
            return []
        }
    }
}
