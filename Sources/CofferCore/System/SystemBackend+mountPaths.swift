import CofferMountKit

extension SystemBackend {
    /// Prefixes under which no secrets engine may be mounted: they belong to the core
    /// (Vault's `protectedMounts` in `vault/mount.go`). A KV mount at `auth/x/` or
    /// `sys/x/` would sit in the auth methods' or the system's namespace.
    static let protectedMountPrefixes = ["audit/", "auth/", "sys/", "cubbyhole/", "identity/"]

    /// The path `POST sys/mounts/<path>` enables, as Vault's `sanitizePath` makes it:
    /// leading slashes dropped (an encoded `%2Fauth%2Fx` arrives as `/auth/x`), a
    /// trailing slash added; refused under a protected prefix, compared as bytes so
    /// no Unicode spelling slips past.
    static func secretsMountPath(_ requested: String) throws -> String {
        let bytes = requested.utf8.drop { $0 == UInt8(ascii: "/") }
        var path = String(decoding: bytes, as: UTF8.self)
        if path.utf8.last != UInt8(ascii: "/") { path += "/" }
        if protectedMountPrefixes.contains(where: { path.hasBytePrefix($0) }) {
            throw CoreError.badRequest("cannot mount \"\(path)\"")
        }
        return path
    }
}
