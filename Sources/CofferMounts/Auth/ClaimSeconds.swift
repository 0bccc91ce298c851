/// A span of seconds taken from a token's claims, as text for a check or a
/// refusal. A claim can hold any double (`1e300`): converting that to an
/// integer would trap, so a span past a thousand years is only named as such.
enum ClaimSeconds {
    static func text(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 3.2e10 else { return "more than a thousand years" }
        return "\(Int64(seconds.rounded(.towardZero)))s"
    }
}
