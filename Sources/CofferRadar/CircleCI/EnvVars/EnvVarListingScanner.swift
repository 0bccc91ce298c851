import Foundation

/// Turns a CircleCI env-var listing into findings (spec §2.4): inventory, classification by
/// name, age, sprawl, project variables shadowing context ones, and migration status.
///
/// A listing holds no values, so a finding's `value_hash` is the keyed hash of the
/// variable's identity (`circleci-envvar`, scope, name): stable across runs with one key,
/// which is what baselines match on, and never a hash of a secret.
struct EnvVarListingScanner {
    let hashKey: RadarHashKey
    let now: Date
    /// Flag variables whose value has not changed for longer than this (`--max-age-days`).
    var maxAgeDays = 180
    /// `--mapping`: variable name to the Coffer path it moved to; nil when none was given.
    var mapping: [String: String]? = nil
    var pathTemplate = "secret/data/circleci/<project>/<NAME>"
    /// Correlating: project variables carry the last-four hash of their masked value.
    var hashLastFour = false

    func findings(_ records: [EnvVarRecord], path: String, bytes: [UInt8]) -> [Finding] {
        var definitions: [String: Int] = [:]
        var contextNames = Set<String>()
        for record in records {
            definitions[record.name, default: 0] += 1
            if record.scope.isContext { contextNames.insert(record.name) }
        }
        let lines = NameLines(bytes)
        return records.map { record in
            finding(
                record, path: path, line: lines.line(of: record.name), definitions: definitions[record.name] ?? 1,
                shadowsContext: !record.scope.isContext && contextNames.contains(record.name))
        }
        .sorted(by: Finding.reportOrder)
    }

    private func finding(_ record: EnvVarRecord, path: String, line: Int, definitions: Int, shadowsContext: Bool) -> Finding {
        let secret = EnvVarClassifier.looksSecret(record.name)
        var tags = [record.scope.isContext ? "context" : "project"]
        if let type = EnvVarClassifier.credentialType(record.name) { tags.append("credential-type:\(type)") }
        if let changed = record.lastChanged {
            let days = Int(max(0, now.timeIntervalSince(changed)) / 86_400)
            tags.append("age-days:\(days)")
            if secret, days > maxAgeDays { tags.append("not-rotated") }
        }
        if definitions > 1 { tags.append("defined-in:\(definitions)") }
        if shadowsContext { tags.append("shadows-context-variable") }
        var rule = secret ? EnvVarRules.credential : EnvVarRules.inventory
        let migratedTo = mapping?[record.name]
        if mapping != nil {
            if migratedTo != nil {
                rule = EnvVarRules.migratedStillDefined
            } else if secret {
                tags.append("not-migrated")
            }
        }
        let identity = Array("circleci-envvar".utf8) + [0] + Array(record.scope.label.utf8) + [0] + Array(record.name.utf8)
        let valueHash = hashKey.valueHash(identity)
        let scopeLabel = record.scope.label
        let location = FindingLocation(
            path: path, startLine: line, startColumn: 1, endLine: line, endColumn: 1,
            yamlPath: "\(scopeLabel).\(record.name)", snippet: "\(scopeLabel): \(record.name)")
        let contexts: [String]
        switch record.scope {
        case .context(let id, let name): contexts = [name ?? id]
        case .project: contexts = []
        }
        let project: String
        if case .project(let slug) = record.scope {
            project = slug.split(separator: "/").last.map(String.init) ?? slug
        } else {
            project = "shared"
        }
        let cofferPath =
            migratedTo
            ?? pathTemplate.replacingOccurrences(of: "<project>", with: project).replacingOccurrences(of: "<NAME>", with: record.name)
        return Finding(
            id: hashKey.findingID(ruleID: rule.id, valueHash: valueHash, path: scopeLabel), ruleID: rule.id, family: rule.family,
            description: rule.description, severity: rule.severity, valueHash: valueHash,
            // Never the masked value: CircleCI shows its last four to project members, a report may travel further.
            redacted: record.scope.isContext ? "(no value exported)" : "(masked by CircleCI)", entropy: 0, tags: tags,
            suppressed: false, suppressionReason: nil, baselineStatus: nil, inHead: true, firstCommit: nil, removedInCommit: nil,
            locations: [location],
            migration: secret || migratedTo != nil
                ? MigrationHint(name: record.name, job: nil, contexts: contexts, cofferPath: cofferPath) : nil,
            remediation: rule.remediation,
            correlationHash: hashLastFour ? Self.lastFour(record.maskedValue).flatMap(hashKey.last4Hash) : nil)
    }

    /// The four characters CircleCI leaves visible in `xxxx1a2b`; nil for anything else.
    static func lastFour(_ masked: String?) -> String? {
        guard let masked, masked.count == 8, masked.hasPrefix("xxxx") else { return nil }
        return String(masked.suffix(4))
    }
}

/// Finds the line of a listing on which a variable's name first appears, quoted.
private struct NameLines {
    let lines: SourceLines

    init(_ bytes: [UInt8]) { lines = SourceLines(bytes) }

    func line(of name: String) -> Int {
        let needle = Array("\"\(name)\"".utf8)
        guard let offset = FragmentScanner.firstIndex(of: needle, in: lines.bytes) else { return 1 }
        // starts is sorted: the line is the number of starts at or before the offset.
        var low = 0
        var high = lines.starts.count
        while low < high {
            let middle = (low + high) / 2
            if lines.starts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        return max(1, low)
    }
}
