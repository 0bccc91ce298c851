import Foundation
import Yams

/// Builds a `MigrationPlan` from a CircleCI config and radar's findings in it.
///
/// The config change: an `environment:` entry holding a secret is deleted, a secret inside
/// other text (a `run` command, a parameter default, registry auth) becomes `${NAME}`, and
/// each affected job gets a first step that appends to `$BASH_ENV` the *commands* that log
/// in with the job's OIDC token and read the secrets. Every later step sources `$BASH_ENV`,
/// so each gets the values in its own environment: no value and no Coffer token is written
/// to the runner's disk.
public struct MigrationPlanner: Sendable {
    /// The JWT role the job logs in with, and the auth mount.
    public var role: String
    public var authMount = "jwt"
    /// The key inside each KV secret that holds the value.
    public var field = "value"
    /// The Vault-compatible CLI the script and the job run (`bao`, `vault`, `coffer`).
    public var cli = "bao"

    public init(role: String) { self.role = role }

    /// A plan for the config at `configPath` (as the repository names it) with `text`.
    public func plan(configPath: String, text: String, findings: [Finding]) -> MigrationPlan {
        var edits = LineEdits(text)
        var items: [MigrationPlan.Item] = []
        var notes: [String] = []
        var claimed = Set<String>()
        var usedNames: [String: Int] = [:]
        var namesByValue: [String: String] = [:]
        /// awk programs reading multi-line values, by name.
        var readers: [String: String] = [:]
        for finding in findings where finding.isActive {
            guard let hint = finding.migration, let location = finding.locations.first(where: { $0.yamlPath != nil }),
                let yamlPath = location.yamlPath
            else {
                notes.append("\(finding.ruleID) at line \(finding.locations.first?.startLine ?? 0): not in a place the plan can edit")
                continue
            }
            var block: BlockScalarEntry? = nil
            if location.startLine != location.endLine {
                block =
                    Self.isEnvironmentEntry(yamlPath)
                    ? BlockScalarEntry.find(
                        in: edits, key: hint.name, yamlPath: yamlPath, span: location.startLine...max(location.startLine, location.endLine))
                    : nil
                guard block != nil else {
                    notes.append(
                        "\(hint.name) at line \(location.startLine): spans several lines outside a `KEY: |` entry, move it by hand")
                    continue
                }
            } else if location.endColumn <= location.startColumn {
                notes.append("\(hint.name) at line \(location.startLine): no span to move, move it by hand")
                continue
            }
            let spanKey = "\(location.startLine):\(location.startColumn)"
            guard claimed.insert(spanKey).inserted else { continue }
            // One value found twice (an anchor and its alias) moves once, under one name.
            let length = location.endColumn - location.startColumn
            // In shell text, `export NAME=<secret>` names the variable better than the job does.
            let assigned = edits.line(location.startLine).flatMap { Self.assignedName($0, before: location.startColumn) }
            let baseName = Self.isShell(yamlPath) ? assigned ?? hint.name : hint.name
            let name: String
            if let known = namesByValue[finding.valueHash] {
                name = known
            } else {
                name = uniqueName(baseName, &usedNames)
                namesByValue[finding.valueHash] = name
            }
            let cofferPath =
                hint.cofferPath.hasSuffix("/" + hint.name)
                ? String(hint.cofferPath.dropLast(hint.name.count)) + name : hint.cofferPath
            let (mount, path) = Self.kvTarget(cofferPath)
            if let block {
                // The whole entry goes, key line and block; the job reads the value back from Coffer.
                Self.maskBlock(block, from: location, redacted: finding.redacted, in: &edits)
                for number in block.keyLine...block.lastLine { edits.delete(line: number) }
                if !items.contains(where: { $0.name == name }) {
                    readers[name] = block.awkProgram
                    items.append(
                        .init(
                            name: name, mount: mount, path: path, yamlPath: yamlPath, line: block.firstLine,
                            column: block.indent + 1, length: 0, job: hint.job, endLine: block.lastLine))
                }
                continue
            }
            edits.mask(line: location.startLine, column: location.startColumn, length: length, with: finding.redacted)
            if Self.isEnvironmentEntry(yamlPath), let line = edits.line(location.startLine),
                Self.isKeyLine(line, key: hint.name, yamlPath: yamlPath)
            {
                edits.delete(line: location.startLine)
            } else {
                edits.replace(line: location.startLine, column: location.startColumn, length: length, with: "${\(name)}")
                if !Self.isShell(yamlPath) {
                    notes.append("\(name) (\(yamlPath)): now ${\(name)}, which CircleCI expands only from its own variables here; check it")
                }
            }
            if !items.contains(where: { $0.name == name }) {
                items.append(
                    .init(
                        name: name, mount: mount, path: path, yamlPath: yamlPath, line: location.startLine,
                        column: location.startColumn, length: length, job: hint.job))
            }
        }
        var script = Self.scriptHeader(configPath: configPath, count: items.count)
        for item in items {
            script += "# \(item.name): \(item.yamlPath) (line \(item.line))\n"
            let reader =
                readers[item.name].map { "LC_ALL=C awk '\($0)' \"$CONFIG\"" }
                ?? "LC_ALL=C awk -v l=\(item.line) -v c=\(item.column) -v n=\(item.length) 'NR==l {printf \"%s\", substr($0, c, n)}' \"$CONFIG\""
            script +=
                "\(cli) kv put -mount=\(Self.shellQuoted(item.mount)) \(Self.shellQuoted(item.path)) \(field)=@<(\(reader)) >/dev/null\n"
        }
        notes += insertLoginSteps(text: text, items: items, edits: &edits)
        return MigrationPlan(
            items: items, script: script, patch: edits.unifiedDiff(path: configPath),
            reviewPatch: edits.unifiedDiff(path: configPath, masked: true), patchedConfig: edits.result(), notes: notes)
    }

    /// Masks a multi-line secret's lines in the review diff: its first line shows the redacted
    /// form, the others an ellipsis.
    static func maskBlock(_ block: BlockScalarEntry, from location: FindingLocation, redacted: String, in edits: inout LineEdits) {
        for number in location.startLine...max(location.startLine, location.endLine) {
            guard let line = edits.line(number) else { continue }
            let column = number == location.startLine ? location.startColumn : block.indent + 1
            let length = line.utf8.count - (column - 1)
            guard length > 0 else { continue }
            edits.mask(line: number, column: column, length: length, with: number == location.startLine ? redacted : "…")
        }
    }

    /// The value of `key` in a mapping, merge keys applied.
    static func value(_ mapping: Node.Mapping, _ key: String) -> Node? {
        YAMLScalarWalker.mergedPairs(mapping).first { $0.0 == key }?.1
    }

    private func uniqueName(_ name: String, _ used: inout [String: Int]) -> String {
        let count = used[name, default: 0] + 1
        used[name] = count
        return count == 1 ? name : "\(name)_\(count)"
    }

    /// Adds the OIDC login step at the top of every job that needs a migrated secret.
    private func insertLoginSteps(text: String, items: [MigrationPlan.Item], edits: inout LineEdits) -> [String] {
        guard !items.isEmpty else { return [] }
        guard let root = try? Yams.compose(yaml: text), case .mapping(let top) = root,
            case .mapping(let jobs)? = Self.value(top, "jobs")
        else { return ["no jobs: map found, so no login step was added"] }
        var notes: [String] = []
        let wanted = Set(items.compactMap(\.job))
        let everyJob = wanted.isEmpty || items.contains { $0.job == nil }
        for (name, job) in YAMLScalarWalker.mergedPairs(jobs) {
            guard everyJob || wanted.contains(name) else { continue }
            guard case .mapping(let body) = job, case .sequence(let steps)? = Self.value(body, "steps"), let first = steps.first,
                let line = first.mark?.line, let firstLine = edits.line(line)
            else {
                notes.append("job \(name): no steps list, add the Coffer login by hand")
                continue
            }
            let indent = String(firstLine.prefix { $0 == " " })
            let names = items.filter { $0.job == nil || $0.job == name }
            edits.insert(loginStep(indent: indent, items: names), before: line)
        }
        return notes
    }

    /// The step that makes every later step log in and read its secrets.
    private func loginStep(indent: String, items: [MigrationPlan.Item]) -> [String] {
        var lines = [
            "- run:",
            "    name: Read secrets from Coffer with the job's OIDC token",
            "    command: |",
            "      # Appends commands, never values: each later step logs in and reads its secrets itself.",
            "      cat >> \"$BASH_ENV\" \\<<'COFFER_SECRETS'",
            "      export VAULT_TOKEN=\"$(\(cli) write -field=token auth/\(authMount)/login role=\(role) jwt=\"$CIRCLE_OIDC_TOKEN_V2\")\"",
        ]
        for item in items {
            lines.append("      export \(item.name)=\"$(\(cli) kv get -mount=\(item.mount) -field=\(field) \(item.path))\"")
        }
        lines += ["      unset VAULT_TOKEN", "      COFFER_SECRETS"]
        return lines.map { indent + $0 }
    }

    private static func scriptHeader(configPath: String, count: Int) -> String {
        """
        #!/usr/bin/env bash
        # Generated by `coffer radar migrate`: copies \(count) hardcoded secret(s) of \(configPath) into Coffer.
        # Each value is read from the config when its command runs; this file holds none and prints none.
        # Run it from the repository root with VAULT_ADDR and VAULT_TOKEN set, before applying the patch.
        set -euo pipefail
        CONFIG=\(shellQuoted(configPath))

        """
    }

    /// `secret/data/circleci/app/X` -> (`secret`, `circleci/app/X`); a path without `data/` is KV v1-style.
    static func kvTarget(_ cofferPath: String) -> (mount: String, path: String) {
        let parts = cofferPath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let mount = parts.first else { return ("secret", cofferPath) }
        var rest = Array(parts.dropFirst())
        if rest.first == "data" { rest.removeFirst() }
        return (mount, rest.joined(separator: "/"))
    }

    /// `NAME` when the bytes before `column` end with `NAME=` (after `export`, optionally quoted).
    static func assignedName(_ line: String, before column: Int) -> String? {
        var bytes = Array(line.utf8.prefix(max(0, column - 1)))
        if let last = bytes.last, last == UInt8(ascii: "\"") || last == UInt8(ascii: "'") { bytes.removeLast() }
        guard bytes.last == UInt8(ascii: "=") else { return nil }
        bytes.removeLast()
        let name = bytes.reversed().prefix { ByteClass.word.contains(byte: $0) }.reversed()
        guard let first = name.first, !ByteClass.digit.contains(byte: first) else { return nil }
        return String(decoding: name, as: UTF8.self)
    }

    static func isEnvironmentEntry(_ yamlPath: String) -> Bool {
        let components = yamlPath.split(separator: ".")
        return components.count >= 2 && components[components.count - 2].hasSuffix("environment")
    }

    static func isShell(_ yamlPath: String) -> Bool {
        yamlPath.hasSuffix(".run.command") || yamlPath.hasSuffix(".run")
    }

    /// True when `line` is a block-mapping entry for the key that `yamlPath` ends with.
    static func isKeyLine(_ line: String, key: String, yamlPath: String) -> Bool {
        let own = yamlPath.split(separator: ".").last.map(String.init) ?? key
        let trimmed = line.drop { $0 == " " }
        for candidate in [own, "\"\(own)\"", "'\(own)'"] where trimmed.hasPrefix(candidate + ":") { return true }
        return false
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
