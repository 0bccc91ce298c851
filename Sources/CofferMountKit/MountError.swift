/// Why a mount refused a request; the message is safe to show to the client.
package struct MountError: Error, CustomStringConvertible, Equatable {
    package enum Code: Sendable, Equatable {
        case badRequest
        case notFound
        case permissionDenied
        case unsupportedOperation
        case unsupportedPath
        case `internal`
    }

    package let code: Code
    package let messages: [String]
    /// The credentials were wrong (Vault's `ErrInvalidCredentials`): a failed login
    /// that user lockout counts.
    package private(set) var isInvalidCredentials = false
    /// For a refused login: which check refused it, with both values, for the
    /// audit and server logs only. Never sent to the client, and not part of
    /// equality (the client-visible error is the same either way).
    package private(set) var explanation: String? = nil

    package init(_ code: Code, _ messages: [String]) {
        self.code = code
        self.messages = messages
    }

    package static func badRequest(_ message: String) -> MountError { MountError(.badRequest, [message]) }
    package static func `internal`(_ message: String) -> MountError { MountError(.internal, [message]) }
    /// A 400 that counts as a failed login for user lockout.
    package static func invalidCredentials(_ message: String) -> MountError {
        var error = MountError(.badRequest, [message])
        error.isInvalidCredentials = true
        return error
    }
    /// Nothing at the path: a 404 with an empty error list, as Vault answers.
    package static let notFound = MountError(.notFound, [])
    package static let unsupportedOperation = MountError(.unsupportedOperation, ["unsupported operation"])
    package static let unsupportedPath = MountError(.unsupportedPath, ["unsupported path"])

    package var description: String { messages.joined(separator: "; ") }

    /// The same error, carrying a login's explanation summary.
    package func explained(_ summary: String) -> MountError {
        var error = self
        error.explanation = summary
        return error
    }

    package static func == (lhs: MountError, rhs: MountError) -> Bool {
        lhs.code == rhs.code && lhs.messages == rhs.messages && lhs.isInvalidCredentials == rhs.isInvalidCredentials
    }
}
