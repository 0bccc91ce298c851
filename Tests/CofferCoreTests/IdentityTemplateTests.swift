import Foundation
import Testing

@testable import CofferCore

/// Templated policy paths resolved for an entity: each template kind, and the
/// cases that must make a rule not apply rather than match an empty segment.
@Suite struct IdentityTemplateTests {
    static let entity: Entity = {
        let now = Date(timeIntervalSince1970: 1_767_605_400)
        let alias = EntityAlias(
            id: "alias-1", mountAccessor: "auth_jwt_1234", mountType: "jwt", mountPath: "auth/jwt/", name: "org/o/project/p/user/u",
            metadata: ["project_id": "5a6b", "role": "ci", "slashed": "a/b", "starred": "x*"], creationTime: now, lastUpdateTime: now)
        return Entity(
            id: "ent-1", name: "entity_ent-1", metadata: ["team": "payments", "empty": ""], policies: [], disabled: false,
            aliases: [alias], creationTime: now, lastUpdateTime: now)
    }()

    static let context = IdentityContext(
        entity: entity,
        groups: [
            IdentityGroup(
                id: "grp-1", name: "deployers", policies: [], metadata: ["env": "production"], memberEntityIDs: ["ent-1"],
                memberGroupIDs: [], creationTime: entity.creationTime, lastUpdateTime: entity.creationTime)
        ])

    @Test(
        "each template kind resolves, and what cannot resolve leaves the rule out",
        arguments: [
            ("secret/data/{{identity.entity.id}}/*", "secret/data/ent-1/*"),
            ("secret/data/{{identity.entity.name}}", "secret/data/entity_ent-1"),
            ("secret/data/{{ identity.entity.metadata.team }}/db", "secret/data/payments/db"),
            ("ci/{{identity.entity.aliases.auth_jwt_1234.metadata.project_id}}/*", "ci/5a6b/*"),
            ("ci/{{identity.entity.aliases.auth_jwt_1234.id}}", "ci/alias-1"),
            ("ci/{{identity.entity.aliases.auth_jwt_1234.name}}", nil),  // holds '/': no rule
            ("ci/{{identity.entity.aliases.auth_jwt_1234.metadata.role}}/{{identity.entity.metadata.team}}", "ci/ci/payments"),
            ("ci/{{identity.entity.metadata.missing}}/*", nil),
            ("ci/{{identity.entity.metadata.empty}}/*", nil),
            ("ci/{{identity.entity.aliases.auth_other.metadata.project_id}}", nil),
            ("ci/{{identity.entity.aliases.auth_jwt_1234.metadata.slashed}}", nil),
            ("ci/{{identity.entity.aliases.auth_jwt_1234.metadata.starred}}", nil),
            ("ci/{{identity.groups.names.deployers.id}}", "ci/grp-1"),
            ("ci/{{identity.groups.ids.grp-1.name}}", "ci/deployers"),
            ("ci/{{identity.groups.names.deployers.metadata.env}}", "ci/production"),
            ("ci/{{identity.groups.ids.grp-1.metadata.env}}", "ci/production"),
            ("ci/{{identity.groups.names.admins.id}}", nil),  // not a member
            ("ci/{{identity.groups.ids.grp-1.id}}", nil),
            ("ci/{{identity.entity.id", nil),
            ("ci/{{nonsense}}", nil),
        ] as [(String, String?)])
    func resolves(_ path: String, _ expected: String?) {
        #expect(IdentityTemplate.resolve(path, for: Self.context) == expected)
    }

    @Test("a token with no entity has no templated rule")
    func noEntity() {
        #expect(IdentityTemplate.resolve("ci/{{identity.entity.id}}", for: nil) == nil)
    }

    @Test("a templated rule joins the ACL only where it resolves, as a prefix rule when written as one")
    func aclUsesTheEntity() throws {
        let policy = try PolicyParser.parse(
            name: "ci",
            text: #"path "secret/data/ci/{{identity.entity.aliases.auth_jwt_1234.metadata.project_id}}/*" { capabilities = ["read"] }"#)
        #expect(policy.rules.isEmpty && policy.templatedRules.count == 1)
        let acl = ACL(policies: [policy], identity: Self.context)
        #expect(acl.capabilities(on: "secret/data/ci/5a6b/db").contains(.read))
        #expect(acl.capabilities(on: "secret/data/ci/other/db").isEmpty)
        #expect(ACL(policies: [policy]).capabilities(on: "secret/data/ci/5a6b/db").isEmpty)
    }

    @Test("an entity survives its stored form")
    func storedRoundTrip() throws {
        #expect(try Entity(stored: Self.entity.stored) == Self.entity)
    }
}
