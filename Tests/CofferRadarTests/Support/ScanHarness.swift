import CofferRadar
import Foundation

/// Runs scans with a fixed hash key and a fixed clock, so hashes and JWT expiry are stable.
enum ScanHarness {
    static let key: RadarHashKey = {
        guard let key = RadarHashKey(bytes: Array(repeating: 7, count: 32)) else { preconditionFailure("32 bytes") }
        return key
    }()
    /// 2026-01-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    static func options(_ configure: (inout RadarScanOptions) -> Void = { _ in }) -> RadarScanOptions {
        var options = RadarScanOptions(hashKey: key)
        options.now = now
        configure(&options)
        return options
    }

    static func scanner(_ configure: (inout RadarScanOptions) -> Void = { _ in }) throws -> RadarScanner {
        try RadarScanner(options: options(configure))
    }

    /// Findings for `text` scanned as the file `path`.
    static func scan(
        _ text: String, path: String = "src/app.txt",
        _ configure: ((inout RadarScanOptions) -> Void)? = nil
    ) throws -> [Finding] {
        let chosen = try configure.map { try scanner($0) } ?? defaultScanner
        return chosen.scan(.bytes(label: path, content: Array(text.utf8))).findings
    }

    /// Built once: compiling the automaton is the expensive part of a tiny scan.
    static let defaultScanner: RadarScanner = {
        do { return try scanner() } catch { preconditionFailure("built-in rules compile") }
    }()

    /// Rule ids found in `text`.
    static func ruleIDs(_ text: String, path: String = "src/app.txt") throws -> [String] {
        try scan(text, path: path).map(\.ruleID)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("radar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
