import CofferEncoding
import CofferMountKit
import Foundation

extension CertAuthMount {
    func loadCRL(_ name: String) async throws -> RevocationList? {
        try await storage.getJSON(RevocationList.self, "crls/" + name.lowercased())
    }

    func listCRLs() async throws -> MountResponse {
        let names = try await storage.list("crls/").filter { !$0.hasSuffix("/") }
        guard !names.isEmpty else { throw MountError.notFound }
        return MountResponse(data: ["keys": JSONValue(names)])
    }

    func readCRL(_ name: String) async throws -> MountResponse {
        guard let list = try await loadCRL(name) else { throw MountError.notFound }
        return MountResponse(data: list.json)
    }

    /// `crl` (PEM or DER text) or `url` (fetched now, and again once its
    /// NextUpdate has passed). A CRL that does not parse is refused and nothing stored.
    func writeCRL(_ request: MountRequest, _ name: String) async throws -> MountResponse {
        let list: RevocationList
        if let text = try request.fields.string("crl"), !text.isEmpty {
            list = try Self.parsed(Array(text.utf8), url: nil)
        } else if let url = try request.fields.string("url"), !url.isEmpty {
            list = try Self.parsed(try await CRLFetcher.fetch(url), url: url)
        } else {
            throw MountError.badRequest("one of 'crl' or 'url' must be provided")
        }
        try await storage.putJSON("crls/" + name.lowercased(), list)
        state.forget()
        return .noContent
    }

    func deleteCRL(_ name: String) async throws -> MountResponse {
        try await storage.delete("crls/" + name.lowercased())
        state.forget()
        return .noContent
    }

    private static func parsed(_ bytes: [UInt8], url: String?) throws -> RevocationList {
        do {
            return try RevocationList(data: bytes, url: url)
        } catch {
            throw MountError.badRequest("failed to parse CRL: \(error)")
        }
    }

    /// Every serial number on a stored CRL, kept between logins until a CRL
    /// fetched from a URL is due again.
    func revokedSerials() async throws -> Set<String> {
        try await state.revoked(now: clock()) { try await loadRevokedSerials() }
    }

    /// Every serial number on a stored CRL, and when the first fetched one is
    /// due again. A fetched CRL past its NextUpdate is fetched again first; if
    /// that fails, the old list still counts (a responder being down must not
    /// unrevoke anything), and it is tried again at the next login.
    private func loadRevokedSerials() async throws -> (serials: Set<String>, dueAgain: Date?) {
        var serials = Set<String>()
        var dueAgain: Date?
        for name in try await storage.list("crls/") where !name.hasSuffix("/") {
            guard var list = try await loadCRL(name) else { continue }
            if let url = list.url, let next = list.nextUpdate, clock() > next,
                let bytes = try? await CRLFetcher.fetch(url), let fresh = try? RevocationList(data: bytes, url: url)
            {
                list = fresh
                try await storage.putJSON("crls/" + name, list)
            }
            if list.url != nil, let next = list.nextUpdate {
                // Past due still (the fetch failed): due again at once.
                let due = max(next, clock() - 1)
                dueAgain = min(dueAgain ?? due, due)
            }
            serials.formUnion(list.serials)
        }
        return (serials, dueAgain)
    }
}
