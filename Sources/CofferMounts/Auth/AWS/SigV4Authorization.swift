import Foundation

/// The `Authorization` header of a SigV4-signed request, read but not verified
/// (only STS holds the key): who signed, for which region and service, and
/// which headers the signature covers.
struct SigV4Authorization: Sendable, Equatable {
    let accessKeyID: String
    let date: String
    let region: String
    let service: String
    /// Lower-cased, as the signer lists them.
    let signedHeaders: [String]

    /// nil unless the header is a well-formed `AWS4-HMAC-SHA256` authorization
    /// with a credential scope, signed headers and a 64-digit hex signature.
    init?(_ header: String) {
        let prefix = "AWS4-HMAC-SHA256 "
        guard header.hasPrefix(prefix) else { return nil }
        var parts: [String: String] = [:]
        for item in header.dropFirst(prefix.count).split(separator: ",") {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            let key = String(trimmed[..<equals])
            // A component given twice could make two readers see two signatures.
            guard parts[key] == nil else { return nil }
            parts[key] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard parts.count == 3, let credential = parts["Credential"], let signed = parts["SignedHeaders"],
            let signature = parts["Signature"], signature.utf8.count == 64,
            signature.utf8.allSatisfy(Self.isLowerHex)
        else { return nil }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, !scope[0].isEmpty, scope[4] == "aws4_request" else { return nil }
        accessKeyID = scope[0]
        date = scope[1]
        region = scope[2]
        service = scope[3]
        signedHeaders = signed.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard !signedHeaders.contains(where: \.isEmpty) else { return nil }
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): true
        default: false
        }
    }

    func signs(_ header: String) -> Bool { signedHeaders.contains(header.lowercased()) }
}
