import CofferEncoding
import CofferMountKit

extension GCPLogin {
    /// `bound_instance_groups`: one of the groups, looked up in the bound
    /// zones (else regions) as the plugin does, lists the instance. A group
    /// not found in a zone is not an error; only a group holding the instance passes.
    func checkInstanceGroups(project: String, selfLink: String, _ log: inout GCPLoginChecks) async throws {
        let groups = role.boundInstanceGroups
        guard !groups.isEmpty else { return log.skip("bound_instance_groups") }
        let expected = "an instance of one of \(groups)"
        let places =
            role.boundZones.isEmpty
            ? role.boundRegions.map { "regions/\($0)" } : role.boundZones.map { "zones/\($0)" }
        for group in groups where Self.isPathSegment(group) {
            for place in places where Self.isPathSegment(String(place.split(separator: "/").last ?? "")) {
                let url = config.computeBase + "/compute/v1/projects/\(project)/\(place)/instanceGroups/\(group)/listInstances"
                let listed: [String: JSONValue]
                do throws(GoogleAPIClient.Failure) {
                    listed = try await derived.client.authorizedJSON(url, post: "{}")
                } catch {
                    guard error.notFound else {
                        try log.fail(
                            "bound_instance_groups", expected: expected, actual: error.description,
                            .lookup("failed to list instances in instance group \"\(group)\" for project \"\(project)\""))
                    }
                    continue
                }
                let members = (listed["items"]?.arrayValue ?? []).compactMap { $0["instance"]?.stringValue }
                if members.contains(selfLink) {
                    return log.pass("bound_instance_groups", expected: expected, actual: "in \(group) (\(place))")
                }
            }
        }
        try log.fail(
            "bound_instance_groups", expected: expected, actual: "in none of them",
            .binding("instance is not part of instance groups \(groups)"))
    }
}
