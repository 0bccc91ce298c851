import CofferEncoding
import Foundation
import SwiftASN1

/// A CRL as the cert method keeps it: the serial numbers it revokes, and when
/// it should be refetched. swift-certificates has no CRL type, so the
/// `CertificateList` (RFC 5280 §5.1) is walked here with SwiftASN1; only what
/// the method uses is read. As in OpenBao, the CRL's signature is not checked:
/// an operator writes it, and it can only refuse logins.
struct RevocationList: Codable, Sendable, Equatable {
    /// Revoked serial numbers, in decimal.
    var serials: [String]
    var nextUpdate: Date?
    /// Where it came from, when fetched (`url`): refetched after `nextUpdate`.
    var url: String?

    /// Far more than a CA's CRL holds; a bigger one is refused unread.
    static let maxBytes = 8 << 20

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }
}

extension RevocationList {
    /// From PEM (`X509 CRL` blocks) or DER bytes.
    init(data: [UInt8], url: String? = nil) throws {
        guard data.count <= Self.maxBytes else { throw ParseError(description: "CRL is larger than \(Self.maxBytes) bytes") }
        var der = data
        if let text = String(bytes: data, encoding: .utf8), text.contains("-----BEGIN") {
            do {
                der = try PEMDocument(pemString: text).derBytes
            } catch {
                throw ParseError(description: "invalid PEM: \(error)")
            }
        }
        try self.init(der: der)
        self.url = url
    }

    private init(der: [UInt8]) throws {
        do {
            let root = try DER.parse(der)
            guard case .constructed(let top) = root.content, let tbs = top.first(where: { _ in true }),
                case .constructed(let fields) = tbs.content
            else { throw ParseError(description: "not a CertificateList") }
            let nodes = Array(fields)
            var index = 0
            // version INTEGER OPTIONAL, signature AlgorithmIdentifier, issuer Name, thisUpdate Time
            if index < nodes.count, nodes[index].identifier == .integer { index += 1 }
            index += 3
            guard index <= nodes.count else { throw ParseError(description: "truncated TBSCertList") }
            var next: Date?
            if index < nodes.count, let date = Self.time(nodes[index]) {
                next = date
                index += 1
            }
            var serials: [String] = []
            if index < nodes.count, nodes[index].identifier == .sequence, case .constructed(let entries) = nodes[index].content {
                for entry in entries {
                    guard case .constructed(let parts) = entry.content, let serial = parts.first(where: { _ in true }),
                        serial.identifier == .integer, case .primitive(let bytes) = serial.content
                    else { throw ParseError(description: "malformed revoked certificate entry") }
                    serials.append(SerialNumbers.decimal(bytes))
                }
            }
            self.serials = serials
            self.nextUpdate = next
            self.url = nil
        } catch let error as ParseError {
            throw error
        } catch {
            throw ParseError(description: "asn1: \(error)")
        }
    }

    /// A UTCTime or GeneralizedTime as a date; nil for any other node.
    private static func time(_ node: ASN1Node) -> Date? {
        let parts: DateComponents
        if let time = try? UTCTime(derEncoded: node) {
            parts = DateComponents(
                year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes, second: time.seconds)
        } else if let time = try? GeneralizedTime(derEncoded: node) {
            parts = DateComponents(
                year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes, second: time.seconds)
        } else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: parts)
    }

    /// What `crls/<name>` reads back: `{"serials": {"<serial>": {}}}`, as OpenBao.
    var json: [String: JSONValue] {
        ["serials": .object(Dictionary(serials.map { ($0, JSONValue.object([:])) }, uniquingKeysWith: { first, _ in first }))]
    }
}
