import CofferEncoding
import CofferHCL
import CofferMountKit
import Foundation

/// Parses policy text, HCL or JSON, into rules; errors give line and column and
/// use OpenBao's `failed to parse policy: ...` prefix (spec/jwt-auth.md §5.1).
package enum PolicyParser {
    package struct Error: Swift.Error, CustomStringConvertible, Equatable {
        package let description: String
    }

    static let pathKeys: Set<String> = [
        "capabilities", "policy", "allowed_parameters", "denied_parameters", "required_parameters",
        "min_wrapping_ttl", "max_wrapping_ttl", "mfa_methods", "pagination_limit",
        "list_scan_response_keys_filter_path", "expiration", "comment", "control_group",
    ]

    package static func parse(name: String, text: String) throws -> Policy {
        let body = try document(text)
        for item in body.items where item.name != "path" && item.name != "name" {
            throw Error(description: "failed to parse policy: invalid key \"\(item.name)\" at \(item.position)")
        }
        var rules: [PolicyRule] = [], templated: [PolicyRule] = []
        for block in body.blocks(ofType: "path") {
            guard let raw = block.label else {
                throw Error(description: "failed to parse policy: path block at \(block.position) needs a path")
            }
            guard let rule = try rule(raw, block.body, at: block.position) else { continue }
            // Templated paths wait for a token's entity (IdentityTemplate).
            if IdentityTemplate.isTemplated(rule.path) { templated.append(rule) } else { rules.append(rule) }
        }
        return Policy(name: Policy.normalize(name), text: text, rules: rules, templatedRules: templated)
    }

    /// The HCL body of the text, or of its JSON form converted to the same shape.
    private static func document(_ text: String) throws -> HCLBody {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            guard case .object(let members)? = try? JSONValue.parse(Data(text.utf8)) else {
                throw Error(description: "failed to parse policy: invalid JSON")
            }
            return try JSONPolicy.body(members)
        }
        do {
            return try HCLParser.parse(text)
        } catch {
            throw Error(description: "failed to parse policy: \(error)")
        }
    }

    private static func rule(_ raw: String, _ body: HCLBody, at position: HCLPosition) throws -> PolicyRule? {
        func fail(_ message: String) -> Error {
            Error(description: "failed to parse policy: path \"\(raw)\": \(message)")
        }
        for item in body.items where !pathKeys.contains(item.name) {
            throw fail("invalid key \"\(item.name)\" at \(item.position)")
        }
        var path = raw.hasPrefix("/") ? String(raw.dropFirst()) : raw
        if path.contains("+*") { throw fail("path \"\(raw)\": invalid use of wildcards ('+*' is forbidden)") }
        let isPrefix = path.hasSuffix("*")
        if isPrefix { path.removeLast() }

        var capabilities: Capabilities = []
        do {
            for name in try body.stringList("capabilities") ?? [] {
                guard let capability = Capabilities(name: name) else { throw fail("path \"\(raw)\": invalid capability \"\(name)\"") }
                capabilities.insert(capability)
            }
            if let legacy = try body.string("policy") {
                switch legacy {
                case "deny": capabilities.insert(.deny)
                case "read": capabilities.formUnion([.read, .list])
                case "write": capabilities.formUnion([.create, .read, .update, .delete, .list])
                case "sudo": capabilities.formUnion([.create, .read, .update, .delete, .list, .sudo])
                default: throw fail("invalid policy \"\(legacy)\"")
                }
            }
        } catch let error as HCLParseError {
            throw fail(error.description)
        }
        // `deny` discards everything listed with it.
        if capabilities.contains(.deny) { capabilities = .deny }
        return PolicyRule(path: path, isPrefix: isPrefix, capabilities: capabilities, parameters: try parameters(body, fail))
    }

    private static func parameters(_ body: HCLBody, _ fail: (String) -> Error) throws -> ParameterConstraints {
        var constraints = ParameterConstraints()
        func valueMap(_ name: String) throws -> [String: [String]]? {
            guard let object = try body.object(name) else { return nil }
            var map: [String: [String]] = [:]
            for attribute in object.attributes {
                let values = attribute.value.listValue?.compactMap(\.stringValue) ?? attribute.value.stringValue.map { [$0] } ?? []
                map[attribute.name.lowercased(), default: []] += values
            }
            return map
        }
        do {
            constraints.allowed = try valueMap("allowed_parameters")
            constraints.denied = try valueMap("denied_parameters")
            constraints.required = try body.stringList("required_parameters") ?? []
            constraints.minWrappingTTL = try duration(body["min_wrapping_ttl"])
            constraints.maxWrappingTTL = try duration(body["max_wrapping_ttl"])
        } catch let error as HCLParseError {
            throw fail(error.description)
        }
        if constraints.maxWrappingTTL > 0, constraints.maxWrappingTTL < constraints.minWrappingTTL {
            throw fail("max_wrapping_ttl cannot be less than min_wrapping_ttl")
        }
        return constraints
    }

    private static func duration(_ value: HCLValue?) throws -> Int64 {
        switch value {
        case nil: return 0
        case .int(let seconds)?: return seconds
        case .string(let text)?:
            guard let seconds = GoDuration.seconds(from: text) else {
                throw HCLParseError(line: 0, column: 0, message: "invalid duration \"\(text)\"")
            }
            return seconds
        default: throw HCLParseError(line: 0, column: 0, message: "expected a duration")
        }
    }
}

/// The JSON policy form, `{"path": {"secret/*": {"capabilities": [...]}}}`, as an HCL body.
enum JSONPolicy {
    static let position = HCLPosition(line: 0, column: 0)

    static func body(_ members: [String: JSONValue]) throws -> HCLBody {
        var items: [HCLItem] = []
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            if key == "path", case .object(let paths) = value {
                for (path, rule) in paths.sorted(by: { $0.key < $1.key }) {
                    guard case .object(let fields) = rule else {
                        throw PolicyParser.Error(description: "failed to parse policy: path \"\(path)\" must be an object")
                    }
                    items.append(.block(HCLBlock(type: "path", labels: [path], body: try body(fields), position: position)))
                }
            } else {
                items.append(.attribute(HCLAttribute(name: key, value: try hcl(value), position: position)))
            }
        }
        return HCLBody(items: items)
    }

    static func hcl(_ value: JSONValue) throws -> HCLValue {
        switch value {
        case .string(let text): return .string(text)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .bool(let flag): return .bool(flag)
        case .array(let elements): return .list(try elements.map(hcl))
        case .object(let members): return .object(try body(members))
        case .null: return .list([])
        }
    }
}
