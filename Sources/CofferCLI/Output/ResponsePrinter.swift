import CofferEncoding
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
        if let text = OutputFormat.structured(SecretShape.of(body), OutputFormat.resolve(options.format)) {
            Swift.print(text)
        } else {
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
            return authTable(auth)
        }
        var rows: [(String, String)] = []
        if case .int(let lease)? = body["lease_duration"], lease > 0 {
            // Vault shows a lease with an id as a lease; without one (KV) as a refresh interval.
            if let leaseID = body["lease_id"]?.stringValue, !leaseID.isEmpty {
                rows.append(("lease_id", leaseID))
                rows.append(("lease_duration", HumanDuration.format(seconds: lease)))
                rows.append(("lease_renewable", OutputFormat.cell(body["renewable"] ?? false)))
            } else {
                rows.append(("refresh_interval", HumanDuration.format(seconds: lease)))
            }
        }
        if let data = body["data"]?.objectValue {
            rows += data.sorted { $0.key < $1.key }.map { ($0.key, dataCell($0.key, $0.value)) }
        }
        return rows
    }

    /// A data value in Vault's table: TTL-like fields as durations, nil as `<nil>`,
    /// an empty string as `n/a` (columnize's empty cell).
    private static func dataCell(_ key: String, _ value: JSONValue) -> String {
        let isDuration = key == "period" || key.hasSuffix("_period") || key == "ttl" || key.hasSuffix("_ttl")
        switch value {
        case .int(let seconds) where isDuration: return HumanDuration.format(seconds: seconds)
        case .null: return "<nil>"
        case .string(let text) where text.isEmpty: return "n/a"
        default: return OutputFormat.cell(value)
        }
    }

    private static func authRows(_ auth: JSONValue) -> [(String, JSONValue)] {
        [
            ("token", auth["client_token"] ?? .null),
            ("token_accessor", auth["accessor"] ?? .null),
            (
                "token_duration",
                .string(
                    HumanDuration.format(
                        seconds: {
                            if case .int(let n)? = auth["lease_duration"] { return n }
                            return 0
                        }()))
            ),
            ("token_renewable", auth["renewable"] ?? .null),
            ("token_policies", auth["token_policies"] ?? .null),
            ("identity_policies", auth["identity_policies"] ?? .array([])),
            ("policies", auth["policies"] ?? .null),
        ]
    }

    /// The auth rows as Vault's table: `∞` for a token with no TTL, policy lists
    /// quoted (Go's `%q`), then one `token_meta_KEY` row per metadata entry.
    private static func authTable(_ auth: JSONValue) -> [(String, String)] {
        var rows = authRows(auth).map { name, value -> (String, String) in
            switch name {
            case "token_duration" where auth["lease_duration"] == nil || auth["lease_duration"] == 0: return (name, "∞")
            case "token_policies", "identity_policies", "policies":
                let items = (value.arrayValue ?? []).map { OutputFormat.cell($0) }
                return (name, "[" + items.map { "\"\($0)\"" }.joined(separator: " ") + "]")
            default: return (name, OutputFormat.cell(value))
            }
        }
        for (key, value) in (auth["metadata"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            rows.append(("token_meta_\(key)", OutputFormat.cell(value)))
        }
        return rows
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
