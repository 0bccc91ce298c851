import CofferMountKit
import Foundation

/// How a dynamic user's name is made, for the database and aws secrets
/// engines: a `username_template` of the common forms (`{{.RoleName | truncate 8}}`,
/// `{{random 20}}`, `{{unix_time}}`...), or each engine's default.
///
/// The variables a template may name are the engine's (`.DisplayName` and
/// `.RoleName` for databases; `.DisplayName`, `.PolicyName` and `.Type` for
/// AWS); an unknown one is refused when the template is written. Each engine
/// makes the result safe for its target (inert in SQL, legal in IAM).
struct UsernameTemplate: Sendable {
    private enum Part: Sendable {
        case text(String)
        case action(source: Source, filters: [Filter])
    }

    private enum Source: Sendable {
        case variable(String), random(Int), unixTime, unixTimeMillis, uuid
    }

    private enum Filter: Sendable {
        case truncate(Int), lowercase, uppercase
    }

    private let parts: [Part]?
    private let invalid: MountError

    /// The variables a database template may name.
    static let databaseVariables: Set<String> = [".DisplayName", ".RoleName"]

    /// A database engine's template (its error words, its variables).
    init(_ template: String) throws {
        try self.init(template, variables: Self.databaseVariables, invalid: Self.databaseInvalid)
    }

    init(_ template: String, variables: Set<String>, invalid: MountError) throws {
        self.invalid = invalid
        guard !template.isEmpty else {
            parts = nil
            return
        }
        var parts: [Part] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else { throw invalid }
            parts.append(try Self.action(String(rest[open.upperBound..<close.lowerBound]), variables: variables, invalid: invalid))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    private static let databaseInvalid = MountError.badRequest("error creating database object: unable to initialize username template")

    private static func action(_ text: String, variables: Set<String>, invalid: MountError) throws -> Part {
        let stages = text.split(separator: "|").map { $0.split(separator: " ").map(String.init) }
        guard let first = stages.first, let name = first.first else { throw invalid }

        let source: Source
        switch (name, first.count) {
        case (_, 1) where variables.contains(name): source = .variable(name)
        case ("random", 2):
            guard let count = Int(first[1]), (1...128).contains(count) else { throw invalid }
            source = .random(count)
        case ("unix_time", 1): source = .unixTime
        case ("unix_time_millis", 1): source = .unixTimeMillis
        case ("uuid", 1): source = .uuid
        default: throw invalid
        }
        let filters: [Filter] = try stages.dropFirst().map { stage in
            switch (stage.first ?? "", stage.count) {
            case ("truncate", 2):
                guard let count = Int(stage[1]), count >= 0 else { throw invalid }
                return .truncate(count)
            case ("lowercase", 1): return .lowercase
            case ("uppercase", 1): return .uppercase
            default: throw invalid
            }
        }
        return .action(source: source, filters: filters)
    }

    /// A new database user's name for a credential of `role` asked for by a
    /// token named `displayName`: OpenBao's default
    /// `v-<display name 8>-<role 8>-<random 20>-<unix time>` cut to 63 characters
    /// (PostgreSQL's identifier limit) when there is no template. The parts
    /// that come from outside (the display name, which a JWT claim can set)
    /// keep only characters that are inert in SQL, so a name can never close
    /// the quotes a creation statement puts around it.
    func generate(displayName: String, roleName: String, now: Date) -> String {
        let values = [".DisplayName": Self.inert(displayName), ".RoleName": Self.inert(roleName)]
        guard let name = render(values, now: now) else {
            let unix = Int64(saturating: now.timeIntervalSince1970)
            let name = "v-\(Self.inert(displayName).prefix(8))-\(Self.inert(roleName).prefix(8))-\(Self.random(20))-\(unix)"
            return String(name.prefix(63))
        }
        return Self.inert(name)
    }

    /// The template filled in with `values` (by variable name); nil when there
    /// is no template, for the engine's default.
    func render(_ values: [String: String], now: Date) -> String? {
        guard let parts else { return nil }
        let unix = Int64(saturating: now.timeIntervalSince1970)
        var name = ""
        for part in parts {
            switch part {
            case .text(let text): name += text
            case .action(let source, let filters):
                var value: String
                switch source {
                case .variable(let variable): value = values[variable] ?? ""
                case .random(let count): value = Self.random(count)
                case .unixTime: value = String(unix)
                case .unixTimeMillis: value = String(Int64(saturating: now.timeIntervalSince1970 * 1000))
                case .uuid: value = UUID().uuidString.lowercased()
                }
                for filter in filters {
                    switch filter {
                    case .truncate(let count): value = String(value.prefix(count))
                    case .lowercase: value = value.lowercased()
                    case .uppercase: value = value.uppercased()
                    }
                }
                name += value
            }
        }
        return name
    }

    /// Keeps letters, digits and `-_.@/:+`; anything else (quotes, `;`, spaces,
    /// backslashes, controls) becomes `-`.
    static func inert(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    let safe =
                        (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || "-_.@/:+".unicodeScalars.contains(scalar)
                    return safe ? scalar : "-"
                }))
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// `count` random letters and digits.
    static func random(_ count: Int) -> String {
        var characters: [Character] = []
        while characters.count < count {
            // 248 = 4·62: byte values below it map evenly onto the alphabet.
            for byte in SecureRandom.bytes(count) where byte < 248 && characters.count < count {
                characters.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(characters)
    }
}
