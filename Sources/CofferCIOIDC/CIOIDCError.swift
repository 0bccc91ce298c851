/// A problem with the local issuer's input or files; the message is safe to show.
package struct CIOIDCError: Error, CustomStringConvertible, Equatable {
    package let description: String
    package init(_ description: String) { self.description = description }
}
