import CofferEncoding
import CofferMountKit
import Testing

@testable import CofferMounts

/// What a GCP role write accepts, and what a GCE token's claims are read as.
@Suite struct GCPRoleTests {
    @Test("an iam role needs service accounts and takes no instance bindings")
    func iamRules() throws {
        var role = GCPRole()
        #expect(throws: MountError.self) { _ = try role.update(from: RequestFields(["type": "iam"]), isNew: true) }
        #expect(throws: MountError.self) {
            _ = try role.update(
                from: RequestFields(["type": "iam", "bound_service_accounts": ["a@p.iam.gserviceaccount.com", "*"]]), isNew: true)
        }
        _ = try role.update(
            from: RequestFields(["type": "iam", "bound_service_accounts": ["a@p.iam.gserviceaccount.com"]]), isNew: true)
        #expect(role.maxJWTExp == 900 && !role.roleID.isEmpty)
        #expect(throws: MountError.self) { _ = try role.update(from: RequestFields(["type": "gce"]), isNew: false) }
        #expect(throws: MountError.self) { _ = try role.update(from: RequestFields(["max_jwt_exp": "2h"]), isNew: false) }
    }

    @Test("gce labels are read from key:value lists or maps")
    func labels() throws {
        var role = GCPRole()
        _ = try role.update(from: RequestFields(["type": "gce", "bound_labels": "team:ci, env : prod"]), isNew: true)
        #expect(role.boundLabels == ["team": "ci", "env": "prod"])
        _ = try role.update(from: RequestFields(["bound_labels": ["team": "web"]]), isNew: false)
        #expect(role.boundLabels == ["team": "web"])
        #expect(throws: MountError.self) { _ = try role.update(from: RequestFields(["bound_labels": "nocolon"]), isNew: false) }
    }

    @Test("a GCE token's compute_engine claims are read, numbers as text; others are not instance tokens")
    func instanceClaims() throws {
        let claims: [String: JSONValue] = [
            "google": [
                "compute_engine": [
                    "project_id": "ci-project", "project_number": 123, "zone": "us-central1-a", "instance_id": "4000",
                    "instance_name": "vm-1", "instance_creation_timestamp": 1_764_612_000,
                ]
            ]
        ]
        let instance = try #require(GCPLogin.instanceClaims(claims))
        #expect(instance.projectNumber == "123" && instance.createdAt == "1764612000" && instance.zone == "us-central1-a")
        #expect(GCPLogin.instanceClaims(["sub": "x"]) == nil)
    }

    @Test(
        "only account names and resource names go into API paths",
        arguments: [
            ("a@p.iam.gserviceaccount.com", true), ("1234567890", true), ("../../admin", false), ("a/b", false), ("", false),
            ("a%2fb", false),
        ])
    func pathSafety(name: String, safe: Bool) {
        #expect(GCPLogin.isAccountName(name) == safe)
    }
}
