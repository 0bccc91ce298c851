import Foundation
import Yams

/// Scans a CircleCI 2.1 config as YAML (spec §2.3): every string scalar with its YAML path,
/// shell text as shell, references skipped, literals under secret-looking keys reported.
struct CircleCIConfigScanner {
    let scanner: FragmentScanner
    /// Index of `circleci-inline-credential` in the engine's rules, when enabled.
    let inlineRuleIndex: Int?
    var pathTemplate = "secret/data/circleci/<project>/<NAME>"
    var project = "project"

    /// Occurrences in the config at `path`; a parse failure returns an error message instead.
    func occurrences(bytes: [UInt8], path: String) -> (occurrences: [Occurrence], error: String?) {
        let text = String(decoding: bytes, as: UTF8.self)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            return ([], "cannot parse CircleCI config \(path) as YAML")
        }
        guard let root else { return ([], nil) }
        let context = CircleCIContext(root: root)
        var walker = YAMLScalarWalker()
        walker.walk(root)
        let lines = SourceLines(bytes)
        var results: [Occurrence] = []
        for scalar in walker.scalars {
            results += occurrences(of: scalar, path: path, context: context, lines: lines)
        }
        return (results, walker.exhausted ? "CircleCI config \(path) is too large to expand fully" : nil)
    }

    private func occurrences(
        of scalar: YAMLScalarWalker.Scalar, path: String, context: CircleCIContext,
        lines: SourceLines
    ) -> [Occurrence] {
        let role = ScalarRole(path: scalar.path)
        let value = scalar.value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty, !PlaceholderFilter.isReference(value) || role.isShell else { return [] }
        if role.isParameterDefault || role.isInvocationArgument, let name = role.key,
            context.envVarNameParameters.contains(name)
        {
            return []  // an env_var_name parameter holds a variable *name*
        }
        if role.isInvocationArgument, Self.looksLikeVariableName(value) { return [] }
        let fragment = makeFragment(scalar, path: path, role: role, context: context, lines: lines)
        var found = scanner.occurrences(in: fragment)
        if role.isShell { found = found.map { Self.namingShellOccurrence($0, job: role.job, template: pathTemplate, project: project) } }
        let secretKey = role.key.map { Self.isSecretKeyName($0, parent: role.parentKey) } ?? false
        // Under a secret-looking key the specific verdict beats "some random string".
        let onlyEntropy = found.allSatisfy { scanner.engine.rules[$0.ruleIndex].family == .highEntropy }
        if role.isShell || (!found.isEmpty && !(secretKey && onlyEntropy)) { return found }
        guard let inlineRuleIndex, let key = role.key, secretKey, !PlaceholderFilter.rejects(value) else { return found }
        let bytes = fragment.bytes
        // A weak password in a pipeline is still a hardcoded password: report it one step lower.
        let strong = Entropy.passes(bytes, keyContext: true)
        let span = MatchedSpan(
            range: 0..<bytes.count, severity: strong ? nil : .medium,
            tags: strong ? [] : ["low-entropy"], keyName: key)
        return scanner.occurrences(of: [Candidate(ruleIndex: inlineRuleIndex, span: span)], in: fragment)
    }

    private func makeFragment(
        _ scalar: YAMLScalarWalker.Scalar, path: String, role: ScalarRole,
        context: CircleCIContext, lines: SourceLines
    ) -> Fragment {
        var firstLine = scalar.line
        var firstColumn = scalar.column
        var continuationColumn = 1
        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            firstColumn += 1
        case .literal, .folded:
            // Block scalars start on the line after the `|` / `>` indicator.
            firstLine += 1
            let indentation = lines.line(firstLine)?.prefix { $0 == 0x20 }.count ?? 0
            firstColumn = indentation + 1
            // YAML strips the block's indentation from every line, not only the first.
            continuationColumn = indentation + 1
        default:
            break
        }
        var traits = FragmentTraits(fileName: ".circleci", highEntropyEnabled: !role.isShell, keyName: role.key)
        traits.fileName = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        var fragment = Fragment(
            bytes: Array(scalar.value.utf8), path: path, traits: traits, firstLine: firstLine, firstColumn: firstColumn,
            yamlPath: YAMLScalarWalker.render(scalar.path), migration: migrationHint(role, context: context),
            sourceLines: lines)
        fragment.continuationColumn = continuationColumn
        return fragment
    }

    private func migrationHint(_ role: ScalarRole, context: CircleCIContext) -> MigrationHint? {
        guard let key = role.key else { return nil }
        let base: String
        switch role.parentKey {
        case "auth": base = "docker_" + key  // registry credentials: DOCKER_USERNAME / DOCKER_PASSWORD
        case "aws_auth", "environment", "parameters": base = key
        default: base = [role.parentKey, key].compactMap { $0 }.joined(separator: "_")
        }
        let name = base.uppercased().replacingOccurrences(of: "-", with: "_")
        let cofferPath = pathTemplate.replacingOccurrences(of: "<project>", with: project)
            .replacingOccurrences(of: "<NAME>", with: name)
        return MigrationHint(
            name: name, job: role.job, contexts: role.job.flatMap { context.jobContexts[$0] } ?? [],
            cofferPath: cofferPath)
    }

    /// Shell findings are named by the assigned variable (`export NPM_TOKEN=…`) or the job.
    static func namingShellOccurrence(_ occurrence: Occurrence, job: String?, template: String, project: String) -> Occurrence {
        guard var hint = occurrence.migration else { return occurrence }
        let base = occurrence.span.keyName ?? ((job ?? "pipeline") + "_credential")
        hint.name = base.uppercased().replacingOccurrences(of: "-", with: "_")
        hint.cofferPath = template.replacingOccurrences(of: "<project>", with: project).replacingOccurrences(of: "<NAME>", with: hint.name)
        var copy = occurrence
        copy.migration = hint
        return copy
    }

    /// `AWS_ACCESS_KEY_ID`-style values passed to orb parameters name a variable.
    static func looksLikeVariableName(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        return bytes.count >= 2 && ByteClass.upper.contains(byte: bytes[0])
            && bytes.allSatisfy { ByteClass([.upper, .digit, .underscore]).contains(byte: $0) }
    }

    /// Secret-looking key names of spec §2.3 (`*PASSWORD*`, `*TOKEN*`, `*_KEY`, `auth.password`, …).
    static func isSecretKeyName(_ key: String, parent: String?) -> Bool {
        let upper = key.uppercased().replacingOccurrences(of: "-", with: "_")
        let lower = upper.lowercased()
        if lower == "oidc_role_arn" || lower == "aws_access_key_id" { return false }
        if AssignmentMatcher.metadataSuffixes.contains(where: { lower.hasSuffix($0) }) { return false }
        if parent == "auth" && lower == "password" { return true }
        let words = ["PASSWORD", "PASSWD", "TOKEN", "SECRET", "CREDENTIAL", "API_KEY", "APIKEY", "PRIVATE_KEY"]
        return words.contains { upper.contains($0) } || upper.hasSuffix("_KEY")
    }
}
