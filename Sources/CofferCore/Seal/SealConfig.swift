import CofferStorage
import Foundation

/// How many key shares exist and how many unseal: stored in plaintext beside the
/// barrier, since `sys/seal-status` must answer while sealed.
package struct SealConfig: Codable, Sendable, Equatable {
    static let path = "core/seal-config"

    package var shares: Int
    package var threshold: Int

    static func load(from storage: any PhysicalStorage) async throws -> SealConfig? {
        guard let data = try await storage.get(path) else { return nil }
        return try JSONDecoder().decode(SealConfig.self, from: data)
    }

    func store(in storage: any PhysicalStorage) async throws {
        try await storage.put(Self.path, try encoded())
    }

    func encoded() throws -> Data {
        try JSONEncoder().encode(self)
    }
}
