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

    package init(_ code: Code, _ messages: [String]) {
        self.code = code
        self.messages = messages
    }

    package static func badRequest(_ message: String) -> MountError { MountError(.badRequest, [message]) }
    package static func `internal`(_ message: String) -> MountError { MountError(.internal, [message]) }
    /// Nothing at the path: a 404 with an empty error list, as Vault answers.
    package static let notFound = MountError(.notFound, [])
    package static let unsupportedOperation = MountError(.unsupportedOperation, ["unsupported operation"])
    package static let unsupportedPath = MountError(.unsupportedPath, ["unsupported path"])

    package var description: String { messages.joined(separator: "; ") }
}
