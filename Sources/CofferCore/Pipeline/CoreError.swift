import CofferMountKit

/// Why the core refused a request. The message is safe to show: it never holds
/// a token or a secret value. Only the HTTP layer turns a code into a status.
package struct CoreError: Error, CustomStringConvertible, Equatable {
    package enum Code: Sendable, Equatable {
        case badRequest
        /// No token, or one that is unknown, expired or used up.
        case permissionDenied
        /// A valid token that the policies refuse.
        case forbidden
        case notFound
        case unsupportedOperation
        case unsupportedPath
        case methodNotAllowed
        case unsupportedMediaType
        case sealed
        case notInitialized
        /// A part the request needs cannot be reached now (no active HA node); retry later.
        case unavailable
        case `internal`
    }

    package let code: Code
    package let messages: [String]

    package init(_ code: Code, _ messages: [String]) {
        self.code = code
        self.messages = messages
    }

    package init(_ code: Code, _ message: String) {
        self.init(code, [message])
    }

    package var description: String { messages.joined(separator: "; ") }

    package static func badRequest(_ message: String) -> CoreError { CoreError(.badRequest, message) }
    package static let permissionDenied = CoreError(.permissionDenied, "permission denied")
    /// Vault wraps ACL refusals in a multi-error, hence the odd text (spec §1.2).
    package static let forbidden = CoreError(.forbidden, "1 error occurred:\n\t* permission denied\n\n")
    package static let notFound = CoreError(.notFound, [])
    package static let sealed = CoreError(.sealed, "Vault is sealed")
    package static let unsupportedOperation = CoreError(.unsupportedOperation, "1 error occurred:\n\t* unsupported operation\n\n")
    package static let unsupportedPath = CoreError(.unsupportedPath, "1 error occurred:\n\t* unsupported path\n\n")

    package static func noRoute(_ path: String) -> CoreError {
        CoreError(.notFound, "no handler for route \"\(path)\". route entry not found.")
    }

    /// Maps a mount's refusal to the core's, keeping its message.
    package init(_ error: MountError) {
        switch error.code {
        case .badRequest: self.init(.badRequest, error.messages)
        case .notFound: self.init(.notFound, error.messages)
        case .permissionDenied: self.init(.forbidden, error.messages)
        case .unsupportedOperation: self = .unsupportedOperation
        case .unsupportedPath: self = .unsupportedPath
        case .internal: self.init(.internal, error.messages)
        }
    }

    /// Any error at all, as a `CoreError` whose message reveals nothing internal.
    package static func from(_ error: any Error) -> CoreError {
        switch error {
        case let error as CoreError: return error
        case let error as MountError: return CoreError(error)
        case let error as FieldError: return .badRequest(error.description)
        case BarrierError.sealed: return .sealed
        default: return CoreError(.internal, "internal error")
        }
    }
}
