/// Groups occurrences into findings keyed by (rule, value hash, path) and ranks them (spec §2.2, §10).
///
/// The only place values meet hashes: it keeps each value just long enough to answer
/// `in_head`, then emits findings that carry only hash and redacted form.
struct FindingAggregator {
    private struct Group {
        var ruleIndex: Int
        var value: [UInt8]
        var valueHash: String
        var redacted: String
        var span: MatchedSpan
        var locations: [FindingLocation] = []
        var timestamps: [Int] = []
        var suppressions: [String?] = []
        var migration: MigrationHint?
        var pairedRedacted: String?
        var pairedValue: [UInt8]?
    }

    let rules: [Rule]
    let hashKey: RadarHashKey
    let redactor: Redactor
    let allowlist: Allowlist
    /// Set when the scan correlates with Coffer: each finding gets the slow hash of its value.
    var correlationHasher: CorrelationHasher? = nil
    /// Set with `--check-activeness`: asked once per distinct (rule, value).
    var activenessProbe: (any ActivenessProbe)? = nil
    private var groups: [String: Group] = [:]
    private var order: [String] = []
    /// (path, line, commit, change, value hash) already reported: the text scan and the YAML scan
    /// of a CircleCI file see the same secret, and the first (YAML, with its path) wins.
    private var sightings = Set<String>()
    /// Occurrences dropped by the value/fingerprint/commit allowlists.
    private(set) var allowlisted = 0

    init(rules: [Rule], hashKey: RadarHashKey, redactor: Redactor, allowlist: Allowlist) {
        self.rules = rules
        self.hashKey = hashKey
        self.redactor = redactor
        self.allowlist = allowlist
    }

    mutating func add(_ occurrence: Occurrence, timestamp: Int = 0) {
        let rule = rules[occurrence.ruleIndex]
        let hash = hashKey.valueHash(occurrence.value)
        let valueText = String(decoding: occurrence.value, as: UTF8.self)
        if allowlist.allowsValue(valueText, hash: hash) || occurrence.location.commit.map(allowlist.allowsCommit) == true
            || allowlist.allowsForRule(rule.id, path: occurrence.location.path, value: valueText)
        {
            allowlisted += 1
            return
        }
        let location = occurrence.location
        let sighting = [
            location.path, String(location.startLine), location.commit ?? "", location.change.rawValue, hash,
            location.yamlPath ?? "",
        ]
        .joined(separator: "\u{0}")
        guard sightings.insert(sighting).inserted else { return }
        let key = rule.id + "\u{0}" + hash + "\u{0}" + occurrence.location.path
        if groups[key] == nil {
            order.append(key)
            groups[key] = Group(
                ruleIndex: occurrence.ruleIndex, value: occurrence.value, valueHash: hash,
                redacted: redactor.redact(occurrence.value, rule: rule), span: occurrence.span,
                migration: occurrence.migration,
                pairedRedacted: occurrence.pairedValue.map {
                    redactor.redact($0, rule: rules.first { $0.id == "aws-access-key-id" } ?? rule)
                }, pairedValue: occurrence.pairedValue)
        }
        // A merged anchor is seen at its definition and in each job; the job's hint is the useful one.
        if groups[key]?.migration?.job == nil, occurrence.migration?.job != nil { groups[key]?.migration = occurrence.migration }
        groups[key]?.locations.append(occurrence.location)
        groups[key]?.timestamps.append(timestamp)
        groups[key]?.suppressions.append(occurrence.suppression)
    }

    /// The findings, ranked and sorted; `inHead` answers whether a value still exists at `path`.
    func findings(inHead: (_ value: [UInt8], _ path: String) -> Bool = { _, _ in true }) -> [Finding] {
        var results: [Finding] = []
        let kept = order.compactMap { groups[$0] }
        // One slow hash per distinct value, however many rules and paths found it.
        var distinct: [String: Int] = [:]
        var values: [[UInt8]] = []
        for group in kept where distinct[group.valueHash] == nil {
            distinct[group.valueHash] = values.count
            values.append(group.value)
        }
        let correlationHashes = correlationHasher?.hashAll(values) ?? []
        var activenessAnswers: [String: Activeness?] = [:]
        for group in kept {
            let rule = rules[group.ruleIndex]
            let path = group.locations.first?.path ?? ""
            let present = inHead(group.value, path)
            let base = group.span.severity ?? (group.span.pairedRange != nil ? .high : rule.severity)
            let ranked = SeverityPolicy.rank(base: base, inHead: present, path: path)
            var severity = ranked.0
            let rankTags = ranked.1
            var tags = group.span.tags + rankTags
            if let paired = group.pairedRedacted { tags.append("paired-with:\(paired)") }
            var activeness: Activeness? = nil
            if let activenessProbe {
                let key = rule.id + "\u{0}" + group.valueHash
                if activenessAnswers[key] == nil {
                    activenessAnswers[key] = activenessProbe.check(
                        ruleID: rule.id, value: String(decoding: group.value, as: UTF8.self),
                        pairedValue: group.pairedValue.map { String(decoding: $0, as: UTF8.self) })
                }
                activeness = activenessAnswers[key] ?? nil
                if let activeness {
                    severity = activeness.adjust(severity)
                    tags.append(activeness.rawValue)
                }
            }
            let ordered = zip(group.locations, group.timestamps).sorted { $0.1 < $1.1 }
            let added = ordered.first { $0.0.change == .added }?.0.commit
            let removed = ordered.last { $0.0.change == .removed }?.0.commit
            // A finding is suppressed only when every occurrence carries a marker.
            let suppressed = group.suppressions.allSatisfy { $0 != nil }
            var finding =
                Finding(
                    id: hashKey.findingID(ruleID: rule.id, valueHash: group.valueHash, path: path),
                    ruleID: rule.id, family: rule.family, description: rule.description, severity: severity,
                    valueHash: group.valueHash, redacted: group.redacted,
                    entropy: (Entropy.shannon(group.value) * 1000).rounded() / 1000, tags: tags,
                    suppressed: suppressed, suppressionReason: suppressed ? group.suppressions.first ?? nil : nil,
                    baselineStatus: nil, inHead: present, firstCommit: added, removedInCommit: removed,
                    locations: ordered.map(\.0), migration: group.migration, remediation: rule.remediation,
                    correlationHash: distinct[group.valueHash].flatMap { $0 < correlationHashes.count ? correlationHashes[$0] : nil })
            finding.activeness = activeness
            results.append(finding)
        }
        return results.sorted(by: Finding.reportOrder)
    }
}
