import CofferMountKit
import Foundation

/// Prints an API envelope the way `vault read` / `vault write` do.
struct ResponsePrinter {
    let options: OutputOptions

    func print(_ body: JSONValue) throws {
        if let field = options.field {
            guard let value = Self.field(field, in: body) else {
                throw CLIError("Field \"\(field)\" not present in secret")
            }
            FileHandle.standardOutput.write(Data(OutputFormat.cell(value).utf8))
            return
        }
        switch OutputFormat.resolve(options.format) {
        case .json:
            Swift.print(OutputFormat.json(body))
        case .table:
            Swift.print(OutputFormat.table(Self.rows(body)))
        }
    }

    /// `-field=token` reads the auth block; any other field reads `data` (spec §18.2).
    static func field(_ name: String, in body: JSONValue) -> JSONValue? {
        if let auth = body["auth"], auth != .null, let value = authRows(auth).first(where: { $0.0 == name })?.1 {
            return value
        }
        if let wrap = body["wrap_info"], wrap != .null, let value = wrapRows(wrap).first(where: { $0.0 == name })?.1 {
            return value
        }
        return body["data"]?[name]
    }

    static func rows(_ body: JSONValue) -> [(String, String)] {
        if let wrap = body["wrap_info"], wrap != .null {
            return wrapRows(wrap).map { ($0.0, OutputFormat.cell($0.1)) }
        }
        if let auth = body["auth"], auth != .null {
            return authRows(auth).map { ($0.0, OutputFormat.cell($0.1)) }
        }
        var rows: [(String, String)] = []
        if case .int(let lease)? = body["lease_duration"], lease > 0 {
            rows.append(("refresh_interval", GoDuration.format(seconds: lease)))
        }
        if let data = body["data"]?.objectValue {
            rows += data.sorted { $0.key < $1.key }.map { ($0.key, OutputFormat.cell($0.value)) }
        }
        return rows
    }

    private static func authRows(_ auth: JSONValue) -> [(String, JSONValue)] {
        [
            ("token", auth["client_token"] ?? .null),
            ("token_accessor", auth["accessor"] ?? .null),
            ("token_duration", .string(GoDuration.format(seconds: { if case .int(let n)? = auth["lease_duration"] { return n }; return 0 }()))),
            ("token_renewable", auth["renewable"] ?? .null),
            ("token_policies", auth["token_policies"] ?? .null),
            ("identity_policies", auth["identity_policies"] ?? .array([])),
            ("policies", auth["policies"] ?? .null),
        ]
    }

    private static func wrapRows(_ wrap: JSONValue) -> [(String, JSONValue)] {
        var rows: [(String, JSONValue)] = [
            ("wrapping_token:", wrap["token"] ?? .null),
            ("wrapping_accessor:", wrap["accessor"] ?? .null),
            ("wrapping_token_ttl:", wrap["ttl"] ?? .null),
            ("wrapping_token_creation_time:", wrap["creation_time"] ?? .null),
            ("wrapping_token_creation_path:", wrap["creation_path"] ?? .null),
        ]
        if let accessor = wrap["wrapped_accessor"] { rows.append(("wrapped_accessor:", accessor)) }
        return rows.map { (String($0.0.dropLast()), $0.1) }
    }
}
