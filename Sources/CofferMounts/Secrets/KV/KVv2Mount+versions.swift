import CofferEncoding
import CofferMountKit
import Foundation

extension KVv2Mount {
    /// `<mount>/undelete/<key>`: clears the deletion time of the listed versions.
    func undeleteVersions(_ request: MountRequest, _ key: String) async throws -> MountResponse {
        try await changeVersions(request, key) { version in
            if !version.destroyed { version.deleted = nil }
        }
    }

    /// `<mount>/destroy/<key>`: removes the data of the listed versions for good.
    func destroyVersions(_ request: MountRequest, _ key: String) async throws -> MountResponse {
        try await changeVersions(request, key, removesData: true) { version in
            version.destroyed = true
        }
    }

    /// Applies `change` to each listed version, under the key's lock, in one batch.
    private func changeVersions(
        _ request: MountRequest, _ key: String, removesData: Bool = false,
        _ change: @escaping @Sendable (inout KVv2Metadata.Version) -> Void
    ) async throws -> MountResponse {
        let numbers = try versionNumbers(request)
        return try await locks.withLock(key) {
            guard var metadata = try await self.loadMetadata(key) else { return .noContent }
            var writes: [StorageWrite] = []
            for number in numbers {
                guard var version = metadata.versions[number] else { continue }
                change(&version)
                metadata.versions[number] = version
                if removesData { writes.append(.delete(Self.versionPath(key, number))) }
            }
            writes.append(.put("metadata/" + key, try JSONEncoder().encode(metadata)))
            try await self.storage.apply(writes)
            return .noContent
        }
    }

    /// The `versions` field: numbers, or numbers as strings (the CLI sends `["1"]`).
    func versionNumbers(_ request: MountRequest) throws -> [Int] {
        guard let versions = try request.fields.stringList("versions"), !versions.isEmpty else {
            throw MountError.badRequest("No version number provided")
        }
        return try versions.map { text in
            guard let number = Int(text) else {
                throw MountError.badRequest("error converting input for field \"versions\": cannot parse '\(text)' as int")
            }
            return number
        }
    }

    /// `<mount>/subkeys/<key>`: the secret's structure with every leaf `null`.
    func subkeys(_ request: MountRequest, _ key: String) async throws -> MountResponse {
        guard let metadata = try await loadMetadata(key) else { throw MountError.notFound }
        var number = Int(try request.fields.int("version") ?? 0)
        if number == 0 { number = metadata.currentVersion }
        guard let version = metadata.versions[number], version.deleted == nil, !version.destroyed,
            let stored = try await storage.getObject(Self.versionPath(key, number))
        else { throw MountError.notFound }
        return MountResponse(data: ["metadata": metadata.versionJSON(number), "subkeys": .object(Self.skeleton(stored))])
    }

    private static func skeleton(_ object: [String: JSONValue]) -> [String: JSONValue] {
        object.mapValues { value in
            if case .object(let nested) = value { return .object(skeleton(nested)) }
            return .null
        }
    }
}
