/// What the engine knows about a fragment beyond its bytes; switches context-dependent rules.
struct FragmentTraits: Sendable {
    /// Lower-cased file name (last path component), used by config-file rules.
    var fileName: String = ""
    /// High-entropy rules run (spec §3: on for `.env*`, CircleCI scalars, env-var values).
    var highEntropyEnabled: Bool = false
    /// The YAML or env key this fragment is the value of, when the source knows it.
    var keyName: String? = nil

    /// Traits for a file at `path`: `.env*` files turn the high-entropy rules on.
    static func forFile(path: String, highEntropy: Bool = false) -> FragmentTraits {
        let name = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return FragmentTraits(fileName: name, highEntropyEnabled: highEntropy || name.hasPrefix(".env"))
    }
}
