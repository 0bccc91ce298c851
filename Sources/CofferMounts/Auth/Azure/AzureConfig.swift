import CofferEncoding
import CofferMountKit
import Foundation
import NIOSSL

/// `auth/<mount>/config`: the tenant whose tokens log in, the audience they
/// must carry (`resource`), the cloud (`environment`), and the client
/// credentials Coffer reads the resource manager with. Coffer adds the
/// endpoints themselves and `ca_cert`, so a private cloud or proxy can be used.
struct AzureConfig: Codable, Sendable, Equatable {
    var tenantID = ""
    var resource = ""
    var environment = "AzurePublicCloud"
    var clientID = ""
    /// Never read back.
    var clientSecret = ""
    var authorityHost = ""
    var resourceManagerEndpoint = ""
    var caCert = ""

    /// Each cloud's Azure AD authority and resource manager.
    static let clouds: [String: (authority: String, resourceManager: String)] = [
        "AzurePublicCloud": ("https://login.microsoftonline.com", "https://management.azure.com"),
        "AzureUSGovernmentCloud": ("https://login.microsoftonline.us", "https://management.usgovcloudapi.net"),
        "AzureChinaCloud": ("https://login.chinacloudapi.cn", "https://management.chinacloudapi.cn"),
    ]

    var json: [String: JSONValue] {
        [
            "tenant_id": .string(tenantID), "resource": .string(resource), "environment": .string(environment),
            "client_id": .string(clientID), "authority_host": .string(authorityHost),
            "resource_manager_endpoint": .string(resourceManagerEndpoint), "ca_cert": .string(caCert),
        ]
    }

    mutating func update(from fields: RequestFields) throws {
        if let value = try fields.string("tenant_id") { tenantID = value }
        if let value = try fields.string("resource") { resource = value }
        if let value = try fields.string("environment"), !value.isEmpty {
            guard Self.clouds[value] != nil else {
                throw MountError.badRequest("unknown environment \"\(value)\"; one of \(Self.clouds.keys.sorted().joined(separator: ", "))")
            }
            environment = value
        }
        if let value = try fields.string("client_id") { clientID = value }
        if let value = try fields.string("client_secret") { clientSecret = value }
        let endpoints: [(String, WritableKeyPath<AzureConfig, String>)] = [
            ("authority_host", \AzureConfig.authorityHost), ("resource_manager_endpoint", \AzureConfig.resourceManagerEndpoint),
        ]
        for (name, keyPath) in endpoints {
            guard let value = try fields.string(name) else { continue }
            if !value.isEmpty {
                guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
                    url.host?.isEmpty == false
                else { throw MountError.badRequest("\(name) must be an http or https URL") }
            }
            self[keyPath: keyPath] = value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        if let value = try fields.string("ca_cert") {
            if !value.isEmpty, (try? NIOSSLCertificate.fromPEMBytes(Array(value.utf8)))?.isEmpty ?? true {
                throw MountError.badRequest("ca_cert does not contain a valid PEM certificate")
            }
            caCert = value
        }
        guard !tenantID.isEmpty else { throw MountError.badRequest("tenant_id is required") }
        guard AzureNames.isGUID(tenantID) || AzureNames.isName(tenantID) else { throw MountError.badRequest("invalid tenant_id") }
        guard !resource.isEmpty else { throw MountError.badRequest("resource is required") }
    }

    var authority: String { authorityHost.isEmpty ? Self.clouds[environment]?.authority ?? "" : authorityHost }
    var resourceManager: String {
        resourceManagerEndpoint.isEmpty ? Self.clouds[environment]?.resourceManager ?? "" : resourceManagerEndpoint
    }
}

/// The name rules Azure's resource manager sets, checked before a name goes
/// into a URL path.
enum AzureNames {
    static func isGUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        return groups == [8, 4, 4, 4, 12] && text.utf8.allSatisfy(isHexOrDash)
    }

    private static func isHexOrDash(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
            UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// Letters, digits, `-`, `_`, `.`, `(`, `)`; 1 to 90 characters, not ending in a dot.
    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 90 && !text.hasSuffix(".")
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                    true
                default: false
                }
            }
    }
}
