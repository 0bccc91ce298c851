import CofferEncoding
import CofferMountKit
import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// The issuer's RSA-2048 signing keys in a directory: `keys.json` lists them with
/// their `kid` and when they were created and retired; each private key is a PEM
/// file readable by its owner only.
///
/// Rotation adds a key and signs with it from then on; a retired key stays in the
/// JWKS until every token it signed has expired (max TTL + 5 minutes of skew).
package struct SigningKeyStore: Sendable {
    package struct Key: Sendable {
        package let kid: String
        package let created: Date
        package let retired: Date?
        package let privateKey: JWTKit.Insecure.RSA.PrivateKey
    }

    private struct Index: Codable {
        struct Entry: Codable {
            var kid: String
            var created: Date
            var retired: Date?
        }
        var keys: [Entry]
    }

    /// The longest a token may live; retired keys are published this long (plus skew).
    package static let maxTokenTTL: TimeInterval = 5 * 3600
    static let skew: TimeInterval = 300

    package let directory: URL
    package private(set) var keys: [Key]

    /// Opens the key directory, creating it and a first key when it is empty.
    package static func open(_ path: String, now: Date = Date()) throws -> SigningKeyStore {
        let directory = URL(fileURLWithPath: path, isDirectory: true)
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CIOIDCError("cannot create key dir \(path): \(error.localizedDescription)")
        }
        var store = try read(path)
        if store.keys.filter({ $0.retired == nil }).isEmpty {
            try store.rotate(now: now)
        }
        return store
    }

    /// The keys the directory holds, creating nothing: the JWKS endpoint reads with
    /// this, so a GET on an empty (or missing) directory serves no keys rather than
    /// making one (and racing `rotate` over `keys.json`).
    package static func read(_ path: String) throws -> SigningKeyStore {
        let directory = URL(fileURLWithPath: path, isDirectory: true)
        var store = SigningKeyStore(directory: directory, keys: [])
        let indexURL = directory.appendingPathComponent("keys.json")
        if FileManager.default.fileExists(atPath: indexURL.path) {
            let index: Index
            do {
                index = try JSONDecoder.iso.decode(Index.self, from: Data(contentsOf: indexURL))
            } catch {
                throw CIOIDCError("cannot read key dir \(path): keys.json is unreadable (\(error.localizedDescription))")
            }
            store.keys = try index.keys.map { entry in
                let pemURL = directory.appendingPathComponent("\(entry.kid).pem")
                guard let pem = try? String(contentsOf: pemURL, encoding: .utf8) else {
                    throw CIOIDCError("cannot read key dir \(path): \(entry.kid).pem is missing or unreadable")
                }
                do {
                    return Key(
                        kid: entry.kid, created: entry.created, retired: entry.retired,
                        privateKey: try JWTKit.Insecure.RSA.PrivateKey(pem: pem))
                } catch {
                    throw CIOIDCError("cannot read key dir \(path): \(entry.kid).pem is not an RSA private key")
                }
            }
        }
        return store
    }

    /// The key new tokens are signed with.
    package var current: Key {
        keys.last { $0.retired == nil }!
    }

    /// Retires the current key and makes a new one current.
    package mutating func rotate(now: Date = Date()) throws {
        let fresh = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let kid = Base64URL.encode(Data(SecureRandom.bytes(64)))
        keys = keys.map { key in
            key.retired == nil ? Key(kid: key.kid, created: key.created, retired: now, privateKey: key.privateKey) : key
        }
        keys.append(Key(kid: kid, created: now, retired: nil, privateKey: fresh))
        try writeKey(fresh, kid: kid)
        try writeIndex()
    }

    /// Keys still to be published at `now`: the current one and those retired recently
    /// enough that tokens they signed may still be alive.
    package func published(at now: Date) -> [Key] {
        keys.filter { key in
            guard let retired = key.retired else { return true }
            return now.timeIntervalSince(retired) < Self.maxTokenTTL + Self.skew
        }
    }

    private func writeKey(_ key: JWTKit.Insecure.RSA.PrivateKey, kid: String) throws {
        let url = directory.appendingPathComponent("\(kid).pem")
        // Created 0600 before the first byte (FileManager writes, then sets the mode).
        do {
            try PrivateFile.write(Data(key.pemRepresentation.utf8), to: url.path)
        } catch {
            throw CIOIDCError("cannot write key to \(directory.path)")
        }
    }

    private func writeIndex() throws {
        let index = Index(keys: keys.map { Index.Entry(kid: $0.kid, created: $0.created, retired: $0.retired) })
        do {
            try PrivateFile.write(try JSONEncoder.iso.encode(index), to: directory.appendingPathComponent("keys.json").path)
        } catch {
            throw CIOIDCError("cannot write keys.json in \(directory.path): \(error.localizedDescription)")
        }
    }
}

extension JSONEncoder {
    static var iso: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
