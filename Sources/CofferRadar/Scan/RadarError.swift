/// Errors of the radar layer: a code and a message safe to show (never a secret value).
public struct RadarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, at the granularity of the exit codes (spec §14).
    public enum Code: Sendable, Equatable {
        /// Bad configuration, rule, baseline or key: exit 2.
        case configuration
        /// A source could not be fully read: exit 3.
        case scan
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// A usage or configuration error (exit 2); the CLI's flag checks use it too.
    public static func invalidConfig(_ message: String) -> RadarError { RadarError(code: .configuration, message: message) }
    static func scanFailed(_ message: String) -> RadarError { RadarError(code: .scan, message: message) }

    public static func == (lhs: RadarError, rhs: RadarError) -> Bool { lhs.code == rhs.code }
}
