import CofferEncoding
import CofferMountKit
import Foundation

/// `auth/<mount>/role/<name>`: which managed identities may log in, from which
/// subscriptions, resource groups, locations and scale sets (Vault's azure role).
struct AzureRole: Codable, Sendable, Equatable, ShownRole {
    var boundServicePrincipalIDs: [String] = []
    var boundGroupIDs: [String] = []
    var boundLocations: [String] = []
    var boundSubscriptionIDs: [String] = []
    var boundResourceGroups: [String] = []
    var boundScaleSets: [String] = []
    var token = TokenSettings()

    var json: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "bound_service_principal_ids": JSONValue(boundServicePrincipalIDs), "bound_group_ids": JSONValue(boundGroupIDs),
            "bound_locations": JSONValue(boundLocations), "bound_subscription_ids": JSONValue(boundSubscriptionIDs),
            "bound_resource_groups": JSONValue(boundResourceGroups), "bound_scale_sets": JSONValue(boundScaleSets),
        ]
        object.merge(token.json) { _, new in new }
        return object
    }

    mutating func update(from fields: RequestFields) throws -> [String] {
        try token.update(from: fields)
        if let value = try fields.stringList("bound_service_principal_ids") { boundServicePrincipalIDs = value }
        if let value = try fields.stringList("bound_group_ids") { boundGroupIDs = value }
        if let value = try fields.stringList("bound_locations") { boundLocations = value }
        if let value = try fields.stringList("bound_subscription_ids") { boundSubscriptionIDs = value }
        if let value = try fields.stringList("bound_resource_groups") { boundResourceGroups = value }
        if let value = try fields.stringList("bound_scale_sets") { boundScaleSets = value }
        let bounds = [
            boundServicePrincipalIDs, boundGroupIDs, boundLocations, boundSubscriptionIDs, boundResourceGroups, boundScaleSets,
        ]
        guard bounds.contains(where: { !$0.isEmpty }) else {
            throw MountError.badRequest("must have at least one bound constraint when creating/updating a role")
        }
        return []
    }

    /// Whether a login must name its resource and have the resource manager confirm it.
    var bindsResource: Bool {
        !boundResourceGroups.isEmpty || !boundSubscriptionIDs.isEmpty || !boundLocations.isEmpty || !boundScaleSets.isEmpty
    }
}
