import CofferEncoding
import CofferMountKit
import Testing

@testable import CofferMounts

/// The parts of an Azure login that need no network: the names a login may
/// put into a resource manager path, and how the token's resource claims and
/// the resource's identities are read.
@Suite struct AzureLoginTests {
    @Test("subscription and resource names follow Azure's rules before they reach a path")
    func names() throws {
        #expect(AzureNames.isGUID("0b1f6471-1bf0-4dda-aec3-cb9272f09590"))
        #expect(!AzureNames.isGUID("0b1f6471-1bf0-4dda-aec3-cb9272f0959"))
        #expect(AzureNames.isName("ci-runners"))
        #expect(!AzureNames.isName("a/b") && !AzureNames.isName("ends.") && !AzureNames.isName(""))
        #expect(throws: MountError.self) { try AzureLoginRequest(RequestFields(["resource_group_name": "a/../b"])) }
        #expect(throws: MountError.self) { try AzureLoginRequest(RequestFields(["subscription_id": "not-a-guid"])) }
    }

    @Test("the token names a VM or resource group by whole path segments, ignoring case")
    func claimSegments() {
        let claims: [String: JSONValue] = [
            "xms_mirid": "/subscriptions/s/resourcegroups/CI-Runners/providers/Microsoft.Compute/virtualMachines/runner-10"
        ]
        #expect(AzureLogin.claimsName(claims, "/virtualMachines/runner-10"))
        #expect(!AzureLogin.claimsName(claims, "/virtualMachines/runner-1"))
        #expect(AzureLogin.claimsName(claims, "/resourcegroups/ci-runners"))
        #expect(!AzureLogin.claimsName(claims, "/resourcegroups/ci"))
    }

    @Test("a resource's identities are its system-assigned principal and every user-assigned one")
    func identities() {
        let identity: JSONValue = [
            "principalId": "p-system",
            "userAssignedIdentities": ["/subscriptions/s/x": ["principalId": "p-user"], "/subscriptions/s/y": [:]],
        ]
        #expect(AzureLogin.principalIDs(identity) == ["p-system", "p-user"])
        #expect(AzureLogin.principalIDs(nil).isEmpty)
    }
}
