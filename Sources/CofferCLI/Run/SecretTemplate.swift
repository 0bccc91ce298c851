import CofferEncoding
import CofferMountKit
import Foundation

/// The part of Vault Agent's template language that config files need:
/// `{{ with secret "secret/data/app" }}{{ .Data.data.password }}{{ end }}`, with
/// `{{-` and `-}}` trimming the white space beside them. Anything else between
/// braces is refused when the template is read, before any command starts.
struct SecretTemplate: Equatable {
    enum Part: Equatable {
        case text(String)
        /// A `with secret "path"` block; its fields refer to that secret's answer.
        case secret(path: String, body: [Part])
        /// `.Data.data.password` as its segments after `.Data`.
        case field([String])
    }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    let parts: [Part]

    init(parsing source: String) throws {
        var actions = try Self.tokens(source)[...]
        parts = try Self.parseBlock(&actions, inSecret: false)
        guard actions.isEmpty else { throw Invalid(description: "template: {{ end }} without a {{ with secret ... }}") }
    }

    /// The secret paths the template reads, in order, each once.
    var paths: [String] {
        var seen: [String] = []
        func walk(_ parts: [Part]) {
            for case .secret(let path, let body) in parts {
                if !seen.contains(path) { seen.append(path) }
                walk(body)
            }
        }
        walk(parts)
        return seen
    }

    /// The rendered text, given each path's `data` object as the API answered it.
    func render(_ secrets: [String: JSONValue]) throws -> String {
        try Self.render(parts, current: nil, secrets)
    }

    private static func render(_ parts: [Part], current: JSONValue?, _ secrets: [String: JSONValue]) throws -> String {
        var output = ""
        for part in parts {
            switch part {
            case .text(let text):
                output += text
            case .secret(let path, let body):
                output += try render(body, current: secrets[path] ?? .null, secrets)
            case .field(let segments):
                guard var value = current else { throw Invalid(description: "template: .Data used outside {{ with secret }}") }
                for segment in segments {
                    guard let next = value[segment], next != .null else {
                        throw Invalid(description: "template: no field .Data.\(segments.joined(separator: ".")) in the secret")
                    }
                    value = next
                }
                output += value.stringValue ?? String(decoding: value.serialized(), as: UTF8.self)
            }
        }
        return output
    }

    // MARK: Parsing

    private enum Token: Equatable {
        case text(String)
        case action(String)
    }

    /// Splits the source into text and `{{ ... }}` actions, applying `{{-`/`-}}` trims.
    private static func tokens(_ source: String) throws -> [Token] {
        var tokens: [Token] = []
        var rest = Substring(source)
        var trimNextText = false
        while let open = rest.range(of: "{{") {
            var text = rest[..<open.lowerBound]
            if trimNextText { text = text.drop(while: \.isWhitespace) }
            var inner = rest[open.upperBound...]
            guard let close = inner.range(of: "}}") else { throw Invalid(description: "template: {{ without }}") }
            var action = inner[..<close.lowerBound]
            if action.hasPrefix("-") {
                action = action.dropFirst()
                while text.last?.isWhitespace == true { text = text.dropLast() }
            }
            trimNextText = action.hasSuffix("-")
            if trimNextText { action = action.dropLast() }
            if !text.isEmpty { tokens.append(.text(String(text))) }
            tokens.append(.action(action.trimmingCharacters(in: .whitespaces)))
            inner = inner[close.upperBound...]
            rest = inner
        }
        let tail = trimNextText ? rest.drop(while: \.isWhitespace) : rest
        if !tail.isEmpty { tokens.append(.text(String(tail))) }
        return tokens
    }

    private static func parseBlock(_ tokens: inout ArraySlice<Token>, inSecret: Bool) throws -> [Part] {
        var parts: [Part] = []
        while let token = tokens.first {
            switch token {
            case .text(let text):
                tokens.removeFirst()
                parts.append(.text(text))
            case .action("end"):
                guard inSecret else { return parts }
                tokens.removeFirst()
                return parts
            case .action(let action):
                tokens.removeFirst()
                if let path = secretPath(action) {
                    guard !inSecret else { throw Invalid(description: "template: a {{ with secret }} inside another is not supported") }
                    let body = try parseBlock(&tokens, inSecret: true)
                    parts.append(.secret(path: path, body: body))
                } else if action == ".Data" || action.hasPrefix(".Data.") {
                    let segments = action.split(separator: ".").dropFirst().map(String.init)
                    guard !segments.isEmpty else { throw Invalid(description: "template: {{ .Data }} needs a field (.Data.data.NAME)") }
                    parts.append(.field(segments))
                } else {
                    throw Invalid(
                        description: "template: unsupported action {{ \(action) }} (supported: with secret \"path\", .Data.field, end)")
                }
            }
        }
        if inSecret { throw Invalid(description: "template: {{ with secret }} without {{ end }}") }
        return parts
    }

    /// `with secret "path"` -> path.
    private static func secretPath(_ action: String) -> String? {
        let words = action.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count == 3, words[0] == "with", words[1] == "secret" else { return nil }
        let quoted = words[2].trimmingCharacters(in: .whitespaces)
        guard quoted.count >= 2, quoted.first == "\"", quoted.last == "\"" else { return nil }
        return String(quoted.dropFirst().dropLast()).trimmingSlashes
    }
}
