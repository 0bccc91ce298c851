/// One path of a mount (OpenBao's `framework.Path`, without its reflection): the
/// pattern it answers, the fields it takes, a handler per operation, and the text
/// `path-help` shows.
///
/// `Owner` is the mount type, so a table can be a static value and its handlers
/// plain functions of the mount. `Call` and `Answer` are what a handler takes and
/// gives: `PathCall` and `MountResponse` for mounts (`MountPath`), the core's own
/// types for the backends built into the core.
package struct Route<Owner: Sendable, Call: Sendable, Answer: Sendable>: Sendable {
    package typealias Handler = @Sendable (Owner, Call) async throws -> Answer
    package typealias ExistenceCheck = @Sendable (Owner, Call) async throws -> Bool

    package let pattern: PathPattern
    package let fields: [FieldSpec]
    package let operations: [MountOperation: Handler]
    /// Tells `create` from `update` for the ACL; nil when the path does not.
    package let exists: ExistenceCheck?
    /// A login path: no token needed.
    package let isUnauthenticated: Bool
    package let synopsis: String
    package let description: String

    package init(
        _ pattern: String, fields: [FieldSpec] = [], operations: [MountOperation: Handler], exists: ExistenceCheck? = nil,
        unauthenticated: Bool = false, synopsis: String, description: String = ""
    ) {
        self.pattern = PathPattern(pattern)
        self.fields = fields
        self.operations = operations
        self.exists = exists
        self.isUnauthenticated = unauthenticated
        self.synopsis = synopsis
        self.description = description.isEmpty ? synopsis : description
    }

    /// The handler for `operation`. A `create` goes to the `update` handler when
    /// the path has no handler of its own for it, as in OpenBao.
    package func handler(for operation: MountOperation) -> Handler? {
        operations[operation] ?? (operation == .create ? operations[.update] : nil)
    }

    /// Checks every declared field the request carries (the first failure throws).
    package func validate(_ fields: RequestFields) throws {
        for field in self.fields { try field.validate(fields) }
    }
}

/// A path of a mount: its handlers take a `PathCall` and answer a `MountResponse`.
package typealias MountPath<Owner: Sendable> = Route<Owner, PathCall, MountResponse>
