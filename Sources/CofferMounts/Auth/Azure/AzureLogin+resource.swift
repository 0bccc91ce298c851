import CofferEncoding
import CofferMountKit
import Foundation

extension AzureLogin {
    /// The plugin's resource checks: the token's `xms_az_rid`/`xms_mirid`
    /// names the VM (or scale set) and resource group the login names; the
    /// resource manager's copy of it has the token's `oid` among its
    /// identities; then the bound subscriptions, resource groups, locations
    /// and scale sets.
    func checkResource(objectID: String, claims: [String: JSONValue], _ log: inout AzureLoginChecks) async throws {
        let sub = resource.subscriptionID
        let group = resource.resourceGroup
        guard !sub.isEmpty, !group.isEmpty else {
            try log.fail(
                "resource", expected: "subscription_id and resource_group_name", actual: "missing",
                .resource("subscription_id and resource_group_name are required"))
        }
        let kind: String
        let name: String
        if !resource.vmssName.isEmpty {
            kind = "virtualMachineScaleSets"
            name = resource.vmssName
            guard Self.claimsName(claims, "/virtualMachines/\(name)_") || Self.claimsName(claims, "/virtualMachineScaleSets/\(name)") else {
                try log.fail(
                    "xms_mirid", expected: "names scale set \(name)", actual: "does not",
                    .resource("xms_az_rid and xms_mirid token claims do not match vmss_name \(name)"))
            }
        } else if !resource.vmName.isEmpty {
            kind = "virtualMachines"
            name = resource.vmName
            guard Self.claimsName(claims, "/virtualMachines/\(name)") else {
                try log.fail(
                    "xms_mirid", expected: "names vm \(name)", actual: "does not",
                    .resource("xms_az_rid and xms_mirid token claims do not match vm_name \(name)"))
            }
            if !role.boundScaleSets.isEmpty {
                try log.fail(
                    "bound_scale_sets", expected: "a scale set", actual: "vm \(name)",
                    .binding("bound scale set defined but this vm isn't in a scale set"))
            }
        } else {
            try log.fail(
                "resource", expected: "vm_name or vmss_name", actual: "neither",
                .resource("one of vm_name, vmss_name, resource_id, or an appid JWT claim must be provided"))
        }
        log.pass("xms_mirid", expected: "names \(name)", actual: "matches")
        guard Self.claimsName(claims, "/resourcegroups/\(group)") else {
            try log.fail(
                "resource_group_name", expected: "named by the token", actual: group,
                .resource("xms_az_rid and xms_mirid token claims do not match resource_group_name \(group)"))
        }
        let path = "/subscriptions/\(sub)/resourceGroups/\(group)/providers/Microsoft.Compute/\(kind)/\(name)"
        let described: [String: JSONValue]
        do throws(AzureAPIClient.Failure) {
            described = try await derived.client.resource(path)
        } catch {
            try log.fail(
                "resource_manager", expected: "\(path) exists", actual: error.description,
                .resource("unable to retrieve virtual machine metadata: \(error.notFound ? "not found" : "lookup failed")"))
        }
        let principals = Self.principalIDs(described["identity"])
        guard principals.contains(objectID) else {
            try log.fail(
                "identity", expected: "one of the resource's identities", actual: objectID,
                .resource("token object id does not match expected identities, and no app id was found"))
        }
        log.pass("identity", expected: "one of the resource's identities", actual: objectID)
        if !resource.vmssName.isEmpty, !role.boundScaleSets.isEmpty {
            guard role.boundScaleSets.contains(name) else {
                try log.fail(
                    "bound_scale_sets", expected: "one of \(role.boundScaleSets)", actual: name, .binding("scale set not authorized"))
            }
        }
        try bound("bound_subscription_ids", role.boundSubscriptionIDs, sub, "subscription not authorized", &log)
        try bound("bound_resource_groups", role.boundResourceGroups, group, "resource group not authorized", &log)
        let location = described["location"]?.stringValue ?? ""
        try bound("bound_locations", role.boundLocations, location, "location not authorized", &log)
    }

    private func bound(_ name: String, _ allowed: [String], _ value: String, _ refusal: String, _ log: inout AzureLoginChecks) throws {
        guard !allowed.isEmpty else { return log.skip(name) }
        guard allowed.contains(value) else {
            try log.fail(name, expected: "one of \(allowed)", actual: value, .binding(refusal))
        }
        log.pass(name, expected: "one of \(allowed)", actual: value)
    }

    /// Whether `xms_az_rid` or `xms_mirid` contains `pattern`, ignoring case,
    /// as whole path segments (`runner-1` does not match `runner-10`), except a
    /// pattern ending in `_` (a flexible scale set's VM names go on after it).
    static func claimsName(_ claims: [String: JSONValue], _ pattern: String) -> Bool {
        let wanted = pattern.hasSuffix("_") ? pattern.lowercased() : pattern.lowercased() + "/"
        return ["xms_az_rid", "xms_mirid"].contains { name in
            ((claims[name]?.stringValue ?? "").lowercased() + "/").contains(wanted)
        }
    }

    /// The system-assigned identity's principal and every user-assigned one's.
    static func principalIDs(_ identity: JSONValue?) -> Set<String> {
        var ids: Set<String> = []
        if let id = identity?["principalId"]?.stringValue { ids.insert(id) }
        for (_, assigned) in identity?["userAssignedIdentities"]?.objectValue ?? [:] {
            if let id = assigned["principalId"]?.stringValue { ids.insert(id) }
        }
        return ids
    }
}
