/// The version Coffer reports (seal status, health, help, `coffer version`): the
/// OpenBao release whose API it matches. The one place it is written.
package enum CofferVersion {
    package static let vaultVersion = "2.7.2"
    package static let buildDate = "2026-10-26T20:32:27Z"
}
