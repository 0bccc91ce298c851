import CofferEncoding
import Foundation

extension PathHelp {
    /// A small OpenAPI 3 document for the route, beside the text (the `openapi`
    /// key of the help answer): the path, its captures, and its operations.
    package func openAPI(version: String, mountPath: String) -> JSONValue {
        let captureNames = Set(pattern?.captureNames ?? [])
        let parameters: [JSONValue] = fields.filter { captureNames.contains($0.name) }.map { field in
            .object([
                "name": .string(field.name), "description": .string(field.description), "in": .string("path"),
                "schema": .object(["type": .string("string")]), "required": .bool(true),
            ])
        }
        var item: [String: JSONValue] = ["description": .string(synopsis)]
        if !parameters.isEmpty { item["parameters"] = .array(parameters) }
        for operation in operations {
            let (method, verb) = Self.method(for: operation)
            guard item[method] == nil else { continue }
            item[method] = .object([
                "operationId": .string(verb + "-" + Self.operationName(displayPath)),
                "responses": .object(["200": .object(["description": .string("OK")])]),
            ])
        }
        return .object([
            "openapi": .string("3.0.2"),
            "info": .object([
                "title": .string("Coffer API"),
                "description": .string("The Vault HTTP API as Coffer serves it. All routes are prefixed with `/v1/`."),
                "version": .string(version),
            ]),
            "paths": .object(["/" + mountPath + displayPath: .object(item)]),
        ])
    }

    /// The route with captures as OpenAPI writes them (`data/{path}`).
    private var displayPath: String {
        (pattern?.description ?? "").replacingOccurrences(of: "...}", with: "}")
    }

    private static func method(for operation: MountOperation) -> (String, String) {
        switch operation {
        case .read: ("get", "read")
        case .list: ("get", "list")
        case .create, .update: ("post", "write")
        case .delete: ("delete", "delete")
        case .patch: ("patch", "patch")
        }
    }

    private static func operationName(_ path: String) -> String {
        path.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "-").lowercased()
    }
}
