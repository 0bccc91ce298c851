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
        return .noContent
    }

    func deleteCRL(_ name: String) async throws -> MountResponse {
        try await storage.delete("crls/" + name.lowercased())
        return .noContent
    }

    private static func parsed(_ bytes: [UInt8], url: String?) throws -> RevocationList {
        do {
            return try RevocationList(data: bytes, url: url)
        } catch {
            throw MountError.badRequest("failed to parse CRL: \(error)")
        }
    }

    /// Every serial number on a stored CRL. A fetched CRL past its NextUpdate
    /// is fetched again first; if that fails, the old list still counts (a
    /// responder being down must not unrevoke anything).
    func revokedSerials() async throws -> Set<String> {
        var serials = Set<String>()
        for name in try await storage.list("crls/") where !name.hasSuffix("/") {
            guard var list = try await loadCRL(name) else { continue }
            if let url = list.url, let next = list.nextUpdate, clock() > next,
                let bytes = try? await CRLFetcher.fetch(url), let fresh = try? RevocationList(data: bytes, url: url)
            {
                list = fresh
                try await storage.putJSON("crls/" + name, list)
            }
            serials.formUnion(list.serials)
        }
        return serials
    }
}
