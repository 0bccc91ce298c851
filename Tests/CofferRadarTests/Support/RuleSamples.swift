import Foundation

/// Positive and near-miss negative samples per rule (spec §3: ≥ 2 of each), built at run time.
struct RuleSample {
    let id: String
    /// Text (and file name) containing exactly one secret for the rule.
    let positives: [(text: String, path: String)]
    /// Text that must not produce a finding of this rule.
    let negatives: [(text: String, path: String)]
}

enum RuleSamples {
    /// A prefixed-token rule: two random positives; negatives are a truncated body and an `x` filler.
    static func prefixed(_ id: String, _ make: (inout SampleRandom) -> (prefix: String, body: String)) -> RuleSample {
        var random = SampleRandom(seed: id.utf8.reduce(11) { $0 &* 131 &+ UInt64($1) })
        let first = make(&random)
        let second = make(&random)
        return RuleSample(
            id: id,
            positives: [
                ("value = \"\(first.prefix)\(first.body)\"\n", "src/a.txt"),
                ("export X=\(second.prefix)\(second.body)\n", "src/b.sh"),
            ],
            negatives: [
                ("value = \"\(first.prefix)\(first.body.prefix(8))\"\n", "src/a.txt"),
                ("value = \"\(first.prefix)\(String(repeating: "x", count: first.body.count))\"\n", "src/a.txt"),
            ])
    }

    static func github(_ id: String, _ prefix: String) -> RuleSample {
        var random = SampleRandom(seed: UInt64(prefix.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        let good = [
            ChecksummedToken.make(prefix: prefix, random: random.alnum(30)),
            ChecksummedToken.make(prefix: prefix, random: random.alnum(30)),
        ]
        let broken = String(good[0].dropLast(3)) + "zzz"
        return RuleSample(
            id: id, positives: good.map { ("token: \($0)\n", "config/app.yml") },
            negatives: [("token: \(broken)\n", "config/app.yml"), ("token: \(good[0].dropLast(2))\n", "config/app.yml")])
    }

    static var all: [RuleSample] { providerSamples + structuralSamples + contextualSamples }

    static var ids: [String] { all.map(\.id) }

    static func sample(_ id: String) -> RuleSample? { all.first { $0.id == id } }
}
