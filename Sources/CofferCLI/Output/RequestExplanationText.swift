import CofferEncoding
import CofferMountKit

/// `sys/explain/request`'s answer as `coffer explain request` prints it.
enum RequestExplanationText {
    static func render(_ data: JSONValue, method: String) -> String {
        let path = data["path"]?.stringValue ?? ""
        let allowed = data["allowed"] == .bool(true)
        let needed = strings(data["capability"]).joined(separator: ", ")
        var lines = ["\(method) \(path): \(allowed ? "allowed" : "denied") (needs \(needed))"]
        lines.append("Policies: " + orNone(strings(data["policies"])))
        if data["root"] == .bool(true) {
            lines.append("Decided by: the root policy (every request is allowed)")
        } else if let rule = data["decided_by"], rule != .null {
            lines.append("Decided by: \(describe(rule))" + (rule["matched_path"]?.stringValue.map { " (matched \($0))" } ?? ""))
        } else {
            lines.append("Decided by: no rule matches the path")
        }
        let outranked = data["outranked"]?.arrayValue ?? []
        if !outranked.isEmpty {
            lines.append("Other rules that matched, and why they lost:")
            lines += outranked.map { "  \(describe($0)): \($0["reason"]?.stringValue ?? "")" }
        }
        lines.append("Checks:")
        for check in data["checks"]?.arrayValue ?? [] {
            let outcome = check["outcome"]?.stringValue ?? ""
            let mark = outcome == "passed" ? "pass" : outcome == "failed" ? "FAIL" : "skip"
            lines.append(
                "  \(mark)  \(check["name"]?.stringValue ?? ""): expected \(check["expected"]?.stringValue ?? ""), "
                    + "got \(check["actual"]?.stringValue ?? "")")
        }
        lines.append("Capabilities on the path: " + orNone(strings(data["capabilities"])))
        lines.append("")
        lines.append("A policy that allows this request:")
        lines.append(data["minimal_policy"]?.stringValue ?? "")
        return lines.joined(separator: "\n")
    }

    /// `"secret/data/ci/*" (prefix) from ci, default: read, list`.
    private static func describe(_ rule: JSONValue) -> String {
        "\"\(rule["rule"]?.stringValue ?? "")\" (\(rule["kind"]?.stringValue ?? "")) from \(orNone(strings(rule["policies"])))"
            + " granting \(orNone(strings(rule["capabilities"])))"
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        value?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    private static func orNone(_ items: [String]) -> String {
        items.isEmpty ? "(none)" : items.joined(separator: ", ")
    }
}
