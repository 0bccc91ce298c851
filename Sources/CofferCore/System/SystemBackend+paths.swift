import CofferMountKit

extension SystemBackend {
    /// The `sys/` routes that need an unsealed core, in the order they are tried.
    /// Most handlers still read the operation themselves (the endpoints predate the
    /// table); the table decides which operations reach them.
    static let paths = RouteTable<SystemBackend, SystemCall, Response>(
        [
            route("seal", [.update], "Seals the server.") { sys, c in try await sys.sealNow(c.call) },
            route("step-down", [.update], "Makes the active node give up the HA lock.") { sys, _ in sys.stepDown() },
            route("mounts", [.read], "Lists the enabled secrets engines.") { sys, c in try await sys.listMounts(.secrets, c.call) },
            route("mounts/{path...}/tune", [.read, .update], "Reads or tunes a secrets engine's settings.") { sys, c in
                try await sys.tune(.secrets, c["path"].withTrailingSlash, c.call)
            },
            route("mounts/{path...}", [.read, .update, .delete], "Reads, enables or disables a secrets engine.") { sys, c in
                try await sys.mountEntry(.secrets, c["path"].withTrailingSlash, c.call)
            },
            route("auth", [.read], "Lists the enabled auth methods.") { sys, c in try await sys.listMounts(.auth, c.call) },
            route("auth/{path...}/tune", [.read, .update], "Reads or tunes an auth method's settings.") { sys, c in
                try await sys.tune(.auth, c["path"].withTrailingSlash, c.call)
            },
            route("auth/{path...}", [.read, .update, .delete], "Reads, enables or disables an auth method.") { sys, c in
                try await sys.mountEntry(.auth, c["path"].withTrailingSlash, c.call)
            },
            route("remount", [.update], "Moves a secrets engine or an auth method to a new path.") { sys, c in
                try await sys.remount(c.call)
            },
            route("remount/status/{migration_id...}", [.read], "Reports where a mount move stands.") { sys, c in
                try await sys.remountStatus(c.call, id: c["migration_id"])
            },
            // The preflight first: `internal/ui/mounts/` (a trailing slash) is a
            // preflight for "", not the unauthenticated list.
            route("internal/ui/mounts/{path...}", [.read], "Describes the mount holding a path (the KV preflight).") { sys, c in
                try await sys.internalUIMount(c.call, path: c["path"])
            },
            route("internal/ui/mounts", MountOperation.allCases, "Lists the mounts the caller's token can use.", unauthenticated: true) {
                sys, c in
                try await sys.internalUIMounts(c.call)
            },
            route("policies/acl", [.list], "Lists the ACL policies.") { sys, c in try await sys.aclPolicies(c.call, name: "") },
            route("policies/acl/{name...}", [.read, .update, .delete], "Reads, writes or deletes an ACL policy.") { sys, c in
                try await sys.aclPolicies(c.call, name: c["name"])
            },
            route("policy", [.read, .list], "Lists the policies (the legacy path).") { sys, c in
                try await sys.legacyPolicies(c.call, name: "")
            },
            route("policy/{name...}", [.read, .update, .delete], "Reads, writes or deletes a policy (the legacy path).") { sys, c in
                try await sys.legacyPolicies(c.call, name: c["name"])
            },
            route("capabilities-self", [.update], "The capabilities of the caller's token on paths.") { sys, c in
                try await sys.capabilities(c.call, of: c.call.token)
            },
            route("capabilities", [.update], "The capabilities of a given token on paths.") { sys, c in
                let id = try RequestFields(c.call.request.data).string("token") ?? ""
                guard let other = try await sys.tokens.lookup(id) else { throw CoreError.badRequest("invalid token") }
                return try await sys.capabilities(c.call, of: other)
            },
            route("capabilities-accessor", [.update], "The capabilities of the token with a given accessor on paths.") { sys, c in
                let accessor = try RequestFields(c.call.request.data).string("accessor") ?? ""
                guard let other = try await sys.tokens.lookup(accessor: accessor) else { throw CoreError.badRequest("invalid accessor") }
                return try await sys.capabilities(c.call, of: other)
            },
        ] + keyringPaths + auditPaths + wrappingPaths + lockedUserPaths + leasePaths + radarPaths + explainPaths + rootGenerationPaths
            + rootRotationPaths + metricsPaths + disabledUnauthenticatedPaths,
        backendHelp:
            "The system backend is built into Coffer and cannot be moved or disabled. It serves seal and unseal, mounts, policies, audit devices, leases, response wrapping and key rotation."
    )

    private static let keyringPaths: [SystemPath] = ["rotate", "rotate/keyring", "key-status", "rotate/config"].map { path in
        let operations: [MountOperation] = path == "key-status" ? [.read] : path == "rotate/config" ? [.read, .update] : [.update]
        return route(path, operations, "Rotates the barrier's encryption key, or reads and sets when it rotates.") { sys, c in
            // Only reached with the paths above, for which the endpoint always answers.
            guard let answer = try await sys.keyringEndpoint(c.call, path) else { throw CoreError.unsupportedPath }
            return answer
        }
    }

    private static let auditPaths: [SystemPath] = [
        route("audit", [.read], "Lists the enabled audit devices.") { sys, c in try await sys.auditEndpoint(c.call, "audit") },
        route("audit/{path...}", [.update, .delete], "Enables or disables an audit device.") { sys, c in
            try await sys.auditEndpoint(c.call, "audit/" + c["path"])
        },
        route("audit-hash/{path...}", [.update], "Hashes a value as an audit device's log does.") { sys, c in
            try await sys.auditEndpoint(c.call, "audit-hash/" + c["path"])
        },
    ]

    private static let wrappingPaths: [SystemPath] = [
        ("wrap", [.update], "Wraps the request's data in a wrapping token."),
        ("unwrap", [.update], "Returns the response a wrapping token holds, and spends the token."),
        ("lookup", [.read, .update], "Describes a wrapping token without spending it."),
        ("rewrap", [.update], "Moves a wrapped response into a new wrapping token."),
    ].map { (action: String, operations: [MountOperation], synopsis: String) in
        route("wrapping/" + action, operations, synopsis, unauthenticated: action == "lookup") { sys, c in
            try await sys.wrappingEndpoint(c.call, action)
        }
    }

    private static let lockedUserPaths: [SystemPath] = [
        route("locked-users", [.read], "Lists the users locked out after failed logins.") { sys, c in
            guard let answer = try await sys.lockedUsersEndpoint(c.call, "") else { throw CoreError.unsupportedPath }
            return answer
        },
        route("locked-users/{mount_accessor}/unlock/{alias_identifier...}", [.update], "Unlocks a locked-out user.") { sys, c in
            guard let answer = try await sys.lockedUsersEndpoint(c.call, c["mount_accessor"] + "/unlock/" + c["alias_identifier"]) else {
                throw CoreError.unsupportedPath
            }
            return answer
        },
    ]

    /// Leases: lookup, renew, revoke and revoke-prefix, each with the lease or
    /// prefix in the path or the body; the endpoint tells them apart (a LIST
    /// anywhere but under `lookup` is an unsupported path, as OpenBao answers).
    private static let leasePaths: [SystemPath] = [
        route("leases", [.read, .list], "Lists irrevocable leases (type=irrevocable).") { sys, c in
            try await sys.irrevocableLeaseList(c.call)
        },
        route("leases/count", [.read], "Counts irrevocable leases (type=irrevocable).") { sys, c in
            try await sys.irrevocableLeaseCount(c.call)
        },
        route("leases/{rest...}", [.update, .list], "Looks up, lists, renews and revokes leases.") { sys, c in
            try await sys.leaseEndpoint(c.call, c["rest"])
        },
    ]

    /// A route whose operations all go to one handler.
    static func route(
        _ pattern: String, _ operations: [MountOperation], _ synopsis: String, unauthenticated: Bool = false,
        _ handler: @escaping SystemPath.Handler
    ) -> SystemPath {
        SystemPath(
            pattern, operations: Dictionary(uniqueKeysWithValues: operations.map { ($0, handler) }),
            unauthenticated: unauthenticated, synopsis: synopsis
        )
    }
}
