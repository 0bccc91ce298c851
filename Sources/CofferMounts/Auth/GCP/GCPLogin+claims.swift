import CofferEncoding
import Foundation

extension GCPLogin {
    /// What a GCE instance identity token says about its instance
    /// (`google.compute_engine`), numbers kept as the decimal text Vault's
    /// metadata shows.
    struct InstanceClaims: Sendable {
        let projectID: String
        let projectNumber: String
        let zone: String
        let instanceID: String
        let name: String
        let createdAt: String
    }

    static func instanceClaims(_ claims: [String: JSONValue]) -> InstanceClaims? {
        guard let compute = claims["google"]?["compute_engine"]?.objectValue,
            let instanceID = text(compute["instance_id"]), !instanceID.isEmpty
        else { return nil }
        return InstanceClaims(
            projectID: text(compute["project_id"]) ?? "", projectNumber: text(compute["project_number"]) ?? "",
            zone: text(compute["zone"]) ?? "", instanceID: instanceID, name: text(compute["instance_name"]) ?? "",
            createdAt: text(compute["instance_creation_timestamp"]) ?? "")
    }

    /// A string, or an integer as its decimal text.
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: text
        case .int(let number)?: String(number)
        default: nil
        }
    }

    /// A NumericDate claim in seconds; nil unless a finite number.
    static func seconds(_ value: JSONValue?) -> TimeInterval? {
        switch value {
        case .int(let number)?: TimeInterval(number)
        case .double(let number)? where number.isFinite: number
        default: nil
        }
    }

    /// A service account's email or numeric ID: what may go into a key URL's path.
    static func isAccountName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 256
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "@"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    true
                default: false
                }
            }
    }

    /// A project, zone or instance name: safe as one path segment.
    static func isPathSegment(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128 && text != "." && text != ".." && isAccountName(text)
    }
}
