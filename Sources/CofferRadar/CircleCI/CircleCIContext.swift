import Yams

/// Facts about a CircleCI config needed to judge its scalars: which parameters hold
/// variable names, and which contexts each job's workflow entries attach (spec §2.3).
struct CircleCIContext {
    /// Parameter names declared with `type: env_var_name` anywhere in the file.
    var envVarNameParameters: Set<String> = []
    /// Job name → contexts attached by workflow entries.
    var jobContexts: [String: [String]] = [:]
    /// Nodes left to visit; aliases can make a small file an exponential tree.
    private var budget = 200_000

    init(root: Node) {
        guard case .mapping(let top) = root else { return }
        collectParameters(in: root, depth: 0)
        for (key, value) in YAMLScalarWalker.mergedPairs(top) where key == "workflows" {
            collectContexts(workflows: value)
        }
    }

    private mutating func collectParameters(in node: Node, depth: Int) {
        guard depth < 64, budget > 0 else { return }
        budget -= 1
        switch node {
        case .mapping(let mapping):
            for (key, value) in YAMLScalarWalker.mergedPairs(mapping) {
                if key == "parameters", case .mapping(let parameters) = value {
                    for (name, declaration) in YAMLScalarWalker.mergedPairs(parameters) {
                        if case .mapping(let fields) = declaration,
                            YAMLScalarWalker.mergedPairs(fields).contains(where: { $0.0 == "type" && $0.1.string == "env_var_name" })
                        {
                            envVarNameParameters.insert(name)
                        }
                    }
                }
                collectParameters(in: value, depth: depth + 1)
            }
        case .sequence(let sequence):
            for child in sequence { collectParameters(in: child, depth: depth + 1) }
        default:
            break
        }
    }

    private mutating func collectContexts(workflows: Node) {
        guard case .mapping(let flows) = workflows else { return }
        for (_, flow) in YAMLScalarWalker.mergedPairs(flows) {
            guard case .mapping(let fields) = flow else { continue }
            for (key, jobs) in YAMLScalarWalker.mergedPairs(fields) where key == "jobs" {
                guard case .sequence(let entries) = jobs else { continue }
                for case .mapping(let entry) in entries {
                    for (job, settings) in YAMLScalarWalker.mergedPairs(entry) {
                        guard case .mapping(let options) = settings else { continue }
                        for (option, context) in YAMLScalarWalker.mergedPairs(options) where option == "context" {
                            let names: [String]
                            switch context {
                            case .scalar(let scalar): names = [scalar.string]
                            case .sequence(let list): names = list.compactMap(\.string)
                            default: names = []
                            }
                            jobContexts[job, default: []] += names.filter { !(jobContexts[job] ?? []).contains($0) }
                        }
                    }
                }
            }
        }
    }
}
