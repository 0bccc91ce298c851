import Yams

/// Flattens a composed YAML document into its string scalars with their YAML paths.
///
/// Aliases arrive resolved from Yams; merge keys (`<<:`) are applied here, with the
/// mapping's own keys winning. A node budget stops alias bombs ("billion laughs").
struct YAMLScalarWalker {
    /// One step of a YAML path.
    enum PathComponent: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// A string scalar and where it sits.
    struct Scalar {
        let path: [PathComponent]
        let value: String
        let line: Int
        let column: Int
        let style: Node.Scalar.Style
    }

    var nodeBudget = 200_000
    private(set) var exhausted = false
    private(set) var scalars: [Scalar] = []

    /// Walks `root`; stops quietly (setting `exhausted`) when the budget runs out.
    mutating func walk(_ root: Node) {
        visit(root, path: [], depth: 0)
    }

    private mutating func visit(_ node: Node, path: [PathComponent], depth: Int) {
        guard nodeBudget > 0, depth < 200 else {
            exhausted = true
            return
        }
        nodeBudget -= 1
        switch node {
        case .scalar(let scalar):
            scalars.append(
                Scalar(
                    path: path, value: scalar.string, line: scalar.mark?.line ?? 0,
                    column: scalar.mark?.column ?? 0, style: scalar.style))
        case .sequence(let sequence):
            for (index, child) in sequence.enumerated() { visit(child, path: path + [.index(index)], depth: depth + 1) }
        case .mapping(let mapping):
            for (key, value) in Self.mergedPairs(mapping) {
                visit(value, path: path + [.key(key)], depth: depth + 1)
            }
        case .alias:
            break
        }
    }

    /// The mapping's pairs with `<<` merges applied (own keys override merged ones).
    static func mergedPairs(_ mapping: Node.Mapping) -> [(String, Node)] {
        var own: [(String, Node)] = []
        var merged: [(String, Node)] = []
        for (key, value) in mapping {
            let name = key.string ?? ""
            if name == "<<" {
                switch value {
                case .mapping(let source):
                    merged += mergedPairs(source)
                case .sequence(let sources):
                    for case .mapping(let source) in sources { merged += mergedPairs(source) }
                default:
                    break
                }
            } else {
                own.append((name, value))
            }
        }
        let ownKeys = Set(own.map(\.0))
        var seen = Set<String>()
        let inherited = merged.filter { !ownKeys.contains($0.0) && seen.insert($0.0).inserted }
        return inherited + own
    }

    /// `jobs.deploy.docker[0].auth.password`.
    static func render(_ path: [PathComponent]) -> String {
        var text = ""
        for component in path {
            switch component {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
