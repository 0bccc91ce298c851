/// What a YAML path means in a CircleCI config: shell text, env map, parameter default, invocation argument.
struct ScalarRole {
    let key: String?
    let parentKey: String?
    let job: String?
    let isShell: Bool
    let isEnvironment: Bool
    let isParameterDefault: Bool
    let isInvocationArgument: Bool

    /// Built-in step names whose fields are not orb/command parameters.
    static let builtInSteps: Set<String> = [
        "run", "checkout", "setup_remote_docker", "save_cache", "restore_cache", "store_artifacts",
        "store_test_results", "persist_to_workspace", "attach_workspace", "add_ssh_keys", "when", "unless",
    ]

    init(path: [YAMLScalarWalker.PathComponent]) {
        let keys: [String?] = path.map { if case .key(let name) = $0 { name } else { nil } }
        let lastKey = keys.last ?? nil
        let lastParent = keys.count >= 2 ? keys[keys.count - 2] : nil
        if keys.count >= 2, keys[0] == "jobs" { job = keys[1] } else { job = nil }
        let named = keys.compactMap { $0 }
        isShell = (lastKey == "command" && lastParent == "run") || lastKey == "run"
        isEnvironment = lastParent == "environment"
        isParameterDefault = lastKey == "default" && named.dropLast(2).last == "parameters"
        // A parameter default is judged by the parameter's name, not by `default`.
        key = isParameterDefault ? lastParent : lastKey
        parentKey = isParameterDefault ? "parameters" : lastParent
        // `steps[i].<orb/command>.<param>` or `workflows.<wf>.jobs[i].<job>.<param>`.
        var invocation = false
        if path.count >= 4, case .index = path[path.count - 3],
            case .key(let step) = path[path.count - 2], !Self.builtInSteps.contains(step), lastKey != nil,
            case .key(let list) = path[path.count - 4], list == "steps" || (list == "jobs" && keys.first == "workflows")
        {
            invocation = true
        }
        isInvocationArgument = invocation && !isEnvironment
    }
}
