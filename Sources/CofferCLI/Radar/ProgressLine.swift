import Foundation
import Synchronization

/// The progress line of a long scan (spec §15): on stderr, only when stderr is a terminal and
/// the scan has run for more than a second, redrawn at most five times a second.
final class ProgressLine: Sendable {
    private struct State {
        var lastDrawn: Date? = nil
        var drawn = false
    }

    private let started = Date()
    private let unit: String
    private let state = Mutex(State())

    /// Nil when stderr is not a terminal (CI logs get no carriage-return noise).
    init?(unit: String) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.unit = unit
    }

    func update(items: Int, bytes: Int) {
        let now = Date()
        guard now.timeIntervalSince(started) > 1 else { return }
        let due = state.withLock { state -> Bool in
            if let last = state.lastDrawn, now.timeIntervalSince(last) < 0.2 { return false }
            state.lastDrawn = now
            state.drawn = true
            return true
        }
        guard due else { return }
        let megabytes = Double(bytes) / 1_048_576
        let rate = megabytes / max(now.timeIntervalSince(started), 0.001)
        let text = "\rradar: \(items) \(unit), " + String(format: "%.1f MB (%.1f MB/s)", megabytes, rate) + "\u{1B}[K"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Clears the line before the report is written.
    func finish() {
        if state.withLock({ $0.drawn }) { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
