import Foundation

/// The XML answers of AWS's query APIs (STS, IAM), read for the few elements a
/// login or the aws secrets engine needs. Not a general XML parser: an answer is a fixed, flat shape, so
/// the first `<Name>text</Name>` inside the result element is the value.
enum AWSQueryAnswer {
    /// What GetCallerIdentity says about the signer.
    struct CallerIdentity: Sendable, Equatable {
        let arn: String
        /// `AIDA...` for a user; `AROA...:<session>` for an assumed role.
        let userID: String
        let account: String
    }

    static func callerIdentity(_ body: [UInt8]) -> CallerIdentity? {
        let text = String(decoding: body, as: UTF8.self)
        guard let result = element("GetCallerIdentityResult", in: text[...]), let arn = element("Arn", in: result),
            let userID = element("UserId", in: result), let account = element("Account", in: result)
        else { return nil }
        return CallerIdentity(arn: unescaped(arn), userID: unescaped(userID), account: unescaped(account))
    }

    /// The text of `<name>` inside `result`'s element (GetUser's `<User>`, say).
    static func value(_ name: String, under parent: String, in body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let inner = element(parent, in: text[...]), let value = element(name, in: inner) else { return nil }
        return unescaped(value)
    }

    /// The text of every `<name>` inside `parent`'s element, in order: a list
    /// answer's members (`<PolicyNames><member>p</member>...`).
    static func values(_ name: String, under parent: String, in body: [UInt8]) -> [String] {
        let text = String(decoding: body, as: UTF8.self)
        guard var rest = element(parent, in: text[...]) else { return [] }
        var found: [String] = []
        while let value = element(name, in: rest), let end = rest[value.endIndex...].range(of: "</" + name + ">") {
            found.append(unescaped(value))
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// An error answer's code (`NoSuchEntity`, `Throttling`), if it has one.
    static func errorCode(_ body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(8192), as: UTF8.self)
        return element("Code", in: text[...]).map(unescaped)
    }

    /// An error answer's code and message, bounded, for a refusal's text. AWS's
    /// messages name the problem (an expired token, a bad signature) and never
    /// the credentials.
    static func errorSummary(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(8192), as: UTF8.self)
        let code = element("Code", in: text[...]).map(unescaped) ?? "unknown error"
        let message = element("Message", in: text[...]).map(unescaped) ?? ""
        let summary = message.isEmpty ? code : "\(code): \(message)"
        return summary.count > 300 ? String(summary.prefix(300)) + "..." : summary
    }

    /// The text between `<name>` (or `<name attributes>`) and `</name>`.
    static func element(_ name: String, in text: Substring) -> Substring? {
        var search = text[...]
        while let open = search.range(of: "<" + name) {
            let after = search[open.upperBound...]
            guard let first = after.first else { return nil }
            if first == ">" || first == " " {
                guard let close = after.firstIndex(of: ">") else { return nil }
                let content = after[after.index(after: close)...]
                guard let end = content.range(of: "</" + name + ">") else { return nil }
                return content[..<end.lowerBound]
            }
            search = after
        }
        return nil
    }

    static func unescaped(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        return String(text).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
