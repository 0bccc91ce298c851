/// A storage backend failure; the message names the backend, never a value.
package struct StorageError: Error, CustomStringConvertible {
    package enum Code: Sendable {
        case unavailable, corrupt, invalidKey
        /// An HA node that lost its lock tried to write; the database refused it.
        case fenced
    }
    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
