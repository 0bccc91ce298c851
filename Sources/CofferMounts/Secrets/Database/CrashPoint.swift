import Foundation

/// A place in a multi-step write where tests stop the process, as `kill -9`
/// would, to check the steps are crash-safe. Named by the environment variable
/// `COFFER_TEST_CRASH_POINT`; unset in production, where `reached` does nothing.
struct CrashPoint: Sendable {
    let armed: String?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        armed = environment["COFFER_TEST_CRASH_POINT"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func reached(_ name: String) {
        guard armed == name else { return }
        // No cleanup, no flush beyond what storage already made durable: a crash.
        _exit(137)
    }
}
