import CofferEncoding
import CofferMountKit
import Foundation
import NIOSSL
import _CryptoExtras

/// `auth/<mount>/config`: the service-account key Coffer calls Google's APIs
/// with (IAM and Compute lookups need one), and where those APIs are
/// (`custom_endpoint`; Coffer adds `ca_cert` to trust a private endpoint's CA).
/// A write changes only the fields sent.
struct GCPConfig: Codable, Sendable, Equatable {
    /// The service-account key file's JSON. Never read back.
    var credentials = ""
    var customEndpoint: [String: String] = [:]
    var caCert = ""

    static let endpointNames: Set<String> = ["api", "iam", "compute", "crm", "token"]

    /// What a read shows: who the key belongs to, never the key.
    var json: [String: JSONValue] {
        let key = (try? GCPServiceAccountKey(json: credentials))
        return [
            "client_email": .string(key?.clientEmail ?? ""),
            "client_id": .string(key?.clientID ?? ""),
            "private_key_id": .string(key?.privateKeyID ?? ""),
            "project_id": .string(key?.projectID ?? ""),
            "custom_endpoint": .object(customEndpoint.mapValues(JSONValue.string)),
            "ca_cert": .string(caCert),
            "iam_alias": "role_id",
            "gce_alias": "role_id",
            "iam_metadata": ["project_id", "role", "service_account_id", "service_account_email"],
            "gce_metadata": [
                "instance_creation_timestamp", "instance_id", "instance_name", "project_id", "project_number", "role",
                "service_account_id", "service_account_email", "zone",
            ],
        ]
    }

    mutating func update(from fields: RequestFields) throws {
        if let value = try fields.string("credentials") {
            if !value.isEmpty {
                do {
                    _ = try GCPServiceAccountKey(json: value)
                } catch {
                    throw MountError.badRequest("error reading google credentials from given JSON: \(error)")
                }
            }
            credentials = value
        }
        if let endpoints = try fields.map("custom_endpoint") {
            var parsed: [String: String] = [:]
            for (name, value) in endpoints {
                guard Self.endpointNames.contains(name) else {
                    throw MountError.badRequest("invalid custom_endpoint key \"\(name)\"; one of api, iam, compute, crm, token")
                }
                guard case .string(let text) = value, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                    scheme == "https" || scheme == "http", url.host?.isEmpty == false
                else {
                    throw MountError.badRequest("custom_endpoint \"\(name)\" must be an http or https URL")
                }
                parsed[name] = text.hasSuffix("/") ? String(text.dropLast()) : text
            }
            customEndpoint = parsed
        }
        if let value = try fields.string("ca_cert") {
            if !value.isEmpty, (try? NIOSSLCertificate.fromPEMBytes(Array(value.utf8)))?.isEmpty ?? true {
                throw MountError.badRequest("ca_cert does not contain a valid PEM certificate")
            }
            caCert = value
        }
    }

    /// Google's public keys and service-account keys (`www.googleapis.com`).
    var apiBase: String { customEndpoint["api"] ?? "https://www.googleapis.com" }
    var iamBase: String { customEndpoint["iam"] ?? "https://iam.googleapis.com" }
    var computeBase: String { customEndpoint["compute"] ?? "https://compute.googleapis.com" }
}

/// A service-account key file (`type: service_account`), as Google issues it.
struct GCPServiceAccountKey: Sendable {
    let clientEmail: String
    let clientID: String
    let privateKeyID: String
    let projectID: String
    let tokenURI: String
    let privateKey: _RSA.Signing.PrivateKey

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(json: String) throws(Invalid) {
        guard case .object(let object)? = try? JSONValue.parse(Data(json.utf8)) else { throw Invalid(description: "not a JSON object") }
        guard let email = object["client_email"]?.stringValue, !email.isEmpty,
            let pem = object["private_key"]?.stringValue, !pem.isEmpty
        else {
            throw Invalid(description: "client_email and private_key are required")
        }
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw Invalid(description: "private_key is not an RSA private key in PEM")
        }
        clientEmail = email
        clientID = object["client_id"]?.stringValue ?? ""
        privateKeyID = object["private_key_id"]?.stringValue ?? ""
        projectID = object["project_id"]?.stringValue ?? ""
        tokenURI = object["token_uri"]?.stringValue ?? "https://oauth2.googleapis.com/token"
    }
}
