import Foundation

/// Reads `--mapping` for `scan circleci-envvars`: which CircleCI variable moved to which
/// Coffer path. A JSON object (`{"NPM_TOKEN": "secret/data/ci/npm"}`) or lines
/// `NAME=path` / `NAME path`, `#` starting a comment.
enum EnvVarMappingFile {
    static func parse(_ data: Data) -> [String: String]? {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            return object.compactMapValues { $0 as? String }
        }
        guard let text = String(data: data, encoding: .utf8) else { return nil }
        var mapping: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let parts = trimmed.split(maxSplits: 1) { $0 == "=" || $0 == " " || $0 == "\t" }
            guard parts.count == 2 else { return nil }
            mapping[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return mapping
    }
}
