import CofferEncoding
import CofferMountKit
import Foundation

/// A `gce` login: the instance the token names, as Compute has it now, must
/// sit in the bound projects, zones or regions, carry the bound labels and
/// belong to a bound instance group; its service account, when bound, as IAM has it.
extension GCPLogin {
    func gceLogin(subject: String, instance: InstanceClaims, mountPath: String, _ log: inout GCPLoginChecks) async throws
        -> MountAuth
    {
        if !role.boundProjects.isEmpty {
            guard role.boundProjects.contains(instance.projectID) else {
                try log.fail(
                    "bound_projects", expected: "one of \(role.boundProjects)", actual: instance.projectID,
                    .binding(
                        "instance \"\(instance.instanceID)\" (project \"\(instance.projectID)\") not in bound projects \(role.boundProjects)"
                    ))
            }
            log.pass("bound_projects", expected: "one of \(role.boundProjects)", actual: instance.projectID)
        }
        let found = try await verifiedInstance(instance, &log)
        try checkLabels(found.labels, &log)
        try checkPlacement(zone: found.zone, &log)
        try await checkInstanceGroups(project: instance.projectID, selfLink: found.selfLink, &log)
        var account: ServiceAccount?
        if !role.boundServiceAccounts.isEmpty {
            let looked = try await serviceAccount(subject, &log)
            try checkServiceAccount(looked, &log)
            account = looked
        }
        return auth(
            displayName: instance.name, mountPath: mountPath,
            metadata: [
                "project_id": instance.projectID, "project_number": instance.projectNumber, "zone": instance.zone,
                "instance_id": instance.instanceID, "instance_name": instance.name,
                "instance_creation_timestamp": instance.createdAt, "role": roleName,
                "service_account_id": account?.uniqueID ?? subject, "service_account_email": account?.email ?? "",
            ])
    }

    struct Instance {
        let zone: String
        let labels: [String: String]
        let selfLink: String
    }

    /// The instance as Compute has it now, with the ID the token names.
    private func verifiedInstance(_ claims: InstanceClaims, _ log: inout GCPLoginChecks) async throws -> Instance {
        let expected = "instance \(claims.name) (id \(claims.instanceID)) running in \(claims.projectID)/\(claims.zone)"
        guard [claims.projectID, claims.zone, claims.name].allSatisfy(Self.isPathSegment) else {
            try log.fail("instance", expected: expected, actual: "claims that are not resource names", .token("invalid GCE metadata"))
        }
        let url = config.computeBase + "/compute/v1/projects/\(claims.projectID)/zones/\(claims.zone)/instances/\(claims.name)"
        let object: [String: JSONValue]
        do throws(GoogleAPIClient.Failure) {
            object = try await derived.client.authorizedJSON(url)
        } catch let failure {
            try log.fail(
                "instance", expected: expected, actual: failure.description,
                .lookup(
                    "error when attempting to find instance (project \(claims.projectID), zone: \(claims.zone), instance: \(claims.name)) :\(failure.notFound ? "not found" : "lookup failed")"
                ))
        }
        let id = object["id"]?.stringValue ?? ""
        guard id == claims.instanceID else {
            try log.fail(
                "instance", expected: expected, actual: "instance id \(id)",
                .lookup("instance id \(claims.instanceID) does not match the instance found (\(id))"))
        }
        let zone = (object["zone"]?.stringValue ?? "").split(separator: "/").last.map(String.init) ?? ""
        let labels = (object["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        log.pass("instance", expected: expected, actual: "found, id \(id)")
        return Instance(zone: zone, labels: labels, selfLink: object["selfLink"]?.stringValue ?? "")
    }

    private func checkLabels(_ labels: [String: String], _ log: inout GCPLoginChecks) throws {
        guard !role.boundLabels.isEmpty else { return log.skip("bound_labels") }
        let expected = role.boundLabels.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ", ")
        for (key, value) in role.boundLabels.sorted(by: { $0.key < $1.key }) where labels[key] != value {
            try log.fail(
                "bound_labels", expected: expected, actual: "\(key):\(labels[key] ?? "missing")",
                .binding("instance missing bound label \"\(key):\(value)\""))
        }
        log.pass("bound_labels", expected: expected, actual: "all present")
    }

    /// Zones when bound, else regions (a zone's region is its name without the
    /// last `-x`), as the plugin checks them.
    private func checkPlacement(zone: String, _ log: inout GCPLoginChecks) throws {
        let region = zone.split(separator: "-").dropLast().joined(separator: "-")
        if !role.boundZones.isEmpty {
            guard role.boundZones.contains(zone) else {
                try log.fail(
                    "bound_zones", expected: "one of \(role.boundZones)", actual: zone,
                    .binding("instance not in bound zones \(role.boundZones)"))
            }
            return log.pass("bound_zones", expected: "one of \(role.boundZones)", actual: zone)
        }
        guard !role.boundRegions.isEmpty else { return log.skip("bound_zones") }
        guard role.boundRegions.contains(region) else {
            try log.fail(
                "bound_regions", expected: "one of \(role.boundRegions)", actual: region,
                .binding("instance not in bound regions \(role.boundRegions)"))
        }
        log.pass("bound_regions", expected: "one of \(role.boundRegions)", actual: region)
    }
}
