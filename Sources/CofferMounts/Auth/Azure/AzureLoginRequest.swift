import CofferMountKit

/// The resource a login names beside its token (`subscription_id`,
/// `resource_group_name`, `vm_name` or `vmss_name`), each checked against
/// Azure's naming rules before it is used in a resource manager path.
struct AzureLoginRequest: Sendable {
    let subscriptionID: String
    let resourceGroup: String
    let vmName: String
    let vmssName: String

    init(_ fields: RequestFields) throws {
        subscriptionID = try fields.string("subscription_id") ?? ""
        resourceGroup = try fields.string("resource_group_name") ?? ""
        vmName = try fields.string("vm_name") ?? ""
        vmssName = try fields.string("vmss_name") ?? ""
        if !subscriptionID.isEmpty, !AzureNames.isGUID(subscriptionID) {
            throw MountError.badRequest("invalid subscription id \"\(subscriptionID)\"")
        }
        if !resourceGroup.isEmpty, !AzureNames.isName(resourceGroup) {
            throw MountError.badRequest("invalid resource group name \"\(resourceGroup)\"")
        }
        if !vmssName.isEmpty, !AzureNames.isName(vmssName) { throw MountError.badRequest("invalid vmss_name \"\(vmssName)\"") }
        if !vmName.isEmpty, !AzureNames.isName(vmName) { throw MountError.badRequest("invalid vm name \"\(vmName)\"") }
    }
}
