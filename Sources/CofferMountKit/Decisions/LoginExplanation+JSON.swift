import CofferEncoding
import Foundation

extension LoginExplanation {
    /// What `sys/explain/login` answers in `data`.
    package var json: JSONValue {
        var object: [String: JSONValue] = [
            "method": .string(method),
            "role": .string(role),
            "allowed": .bool(isGranted),
            "checks": .array(checks.map(\.json)),
            "policies": JSONValue(policies),
            "failed_check": failedCheck.map { .string($0.name) } ?? .null,
            "summary": .string(summary),
        ]
        object["refusal"] = refusal.map { JSONValue($0) } ?? .null
        return .object(object)
    }

    /// Read back from `json` (the CLI prints what the server explained); nil
    /// when a member is missing or of the wrong type.
    package init?(json: JSONValue) {
        guard let method = json["method"]?.stringValue, let role = json["role"]?.stringValue,
            let items = json["checks"]?.arrayValue
        else { return nil }
        var checks: [Check] = []
        for item in items {
            guard let name = item["name"]?.stringValue, let expected = item["expected"]?.stringValue,
                let actual = item["actual"]?.stringValue, let outcome = item["outcome"]?.stringValue.flatMap(CheckOutcome.init(rawValue:))
            else { return nil }
            checks.append(Check(name: name, expected: expected, actual: actual, outcome: outcome))
        }
        let policies = json["policies"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let refusal = json["refusal"]?.arrayValue?.compactMap(\.stringValue)
        self.init(method: method, role: role, checks: checks, policies: policies, refusal: refusal)
    }

    /// The explanation as a table for a terminal: one line per check, the
    /// outcome first, then the refusal the client gets.
    package var text: String {
        var lines = ["\(method) login, role \"\(role)\": " + (isGranted ? "allowed" : "refused"), ""]
        let width = checks.map(\.name.count).max() ?? 0
        for check in checks {
            let mark = check.outcome == .passed ? "pass" : check.outcome == .failed ? "FAIL" : "skip"
            lines.append("\(mark)  \(check.name.padding(toLength: width, withPad: " ", startingAt: 0))  expected: \(check.expected)")
            lines.append("      \(String(repeating: " ", count: width))  actual:   \(check.actual)")
        }
        lines.append("")
        if let refusal {
            lines.append("The client is told: " + refusal.joined(separator: "; "))
        } else {
            lines.append("Policies: " + (policies.isEmpty ? "(none)" : policies.joined(separator: ", ")))
        }
        return lines.joined(separator: "\n")
    }
}

extension LoginExplanation.Check {
    var json: JSONValue {
        [
            "name": .string(name), "expected": .string(expected), "actual": .string(actual),
            "outcome": .string(outcome.rawValue),
        ]
    }
}
