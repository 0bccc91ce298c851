import CofferEncoding
import CofferMountKit
import Foundation

/// Vault's `k=v` argument grammar: `k=@file` reads a file, `k=-` reads stdin, a
/// repeated key makes a list, a lone `@file.json` or `-` is the whole JSON body.
enum KeyValueArguments {
    static func parse(_ arguments: [String], stdin: () -> Data) throws -> JSONValue {
        if arguments.count == 1, let whole = arguments.first, whole == "-" || whole.hasPrefix("@") {
            let data = whole == "-" ? stdin() : try read(String(whole.dropFirst()))
            guard case .object(let members)? = try? JSONValue.parse(data) else {
                throw CLIError("Failed to parse K=V data: the input is not a JSON object")
            }
            return .object(members)
        }
        var result: [String: JSONValue] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                throw CLIError("Failed to parse K=V data: invalid key/value pair \"\(argument)\"")
            }
            let key = String(argument[..<equals])
            var value = String(argument[argument.index(after: equals)...])
            if value == "-" {
                value = String(decoding: stdin(), as: UTF8.self)
            } else if value.hasPrefix("@") {
                value = String(decoding: try read(String(value.dropFirst())), as: UTF8.self)
            }
            switch result[key] {
            case nil: result[key] = .string(value)
            case .array(var items)?:
                items.append(.string(value))
                result[key] = .array(items)
            case let existing?: result[key] = .array([existing, .string(value)])
            }
        }
        return .object(result)
    }

    private static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("Failed to read file \(path)")
        }
        return data
    }
}
