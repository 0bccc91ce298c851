import CofferEncoding
import CofferMountKit
import Foundation

/// One enabled audit device as the table keeps it (`sys/audit` shows these).
package struct AuditDeviceEntry: Codable, Sendable, Equatable {
    /// With a trailing slash: `file/`.
    package var path: String
    package var type: String
    package var description: String
    package var options: [String: String]
    package var local: Bool
    /// Declared in the server config: not stored, not removable over the API.
    package var fromConfig: Bool = false

    package init(path: String, type: String, description: String, options: [String: String], local: Bool = false, fromConfig: Bool = false)
    {
        self.path = path.withTrailingSlash
        self.type = type
        self.description = description
        self.options = options
        self.local = local
        self.fromConfig = fromConfig
    }

    var json: JSONValue {
        [
            "description": .string(description), "local": .bool(local),
            "options": .object(options.mapValues { .string($0) }), "path": .string(path), "type": .string(type),
        ]
    }
}
