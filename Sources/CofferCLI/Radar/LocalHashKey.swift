import CofferRadar
import Foundation

/// The radar hash key of last resort (spec §9): made at first use and kept in the user config
/// directory (`$XDG_CONFIG_HOME/coffer/radar-hash-key`, else `~/.config/...`, mode 0600), so
/// hashes and baselines stay comparable between runs on this machine. Its use is announced on
/// stderr every time: hashes made with it match no other machine's.
enum LocalHashKey {
    static var file: URL {
        let environment = ProcessInfo.processInfo.environment
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        return base.appendingPathComponent("coffer").appendingPathComponent("radar-hash-key")
    }

    static func loadOrCreate() -> RadarHashKey {
        let path = file.path
        if let data = FileManager.default.contents(atPath: path), let key = RadarHashKey(base64: String(decoding: data, as: UTF8.self)) {
            warn("using the local hash key in \(path)")
            return key
        }
        let key = RadarHashKey.random()
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard
                FileManager.default.createFile(
                    atPath: path, contents: Data((key.base64 + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteUnknown) }
            warn("made a local hash key in \(path)")
        } catch {
            warn("cannot keep a local hash key in \(path); this run's hashes match no other run")
        }
        return key
    }

    private static func warn(_ message: String) {
        let advice = "hashes will not match other machines: set COFFER_RADAR_HASH_KEY or --hash-key-file, or use -correlate"
        FileHandle.standardError.write(Data("radar: \(message); \(advice)\n".utf8))
    }
}
