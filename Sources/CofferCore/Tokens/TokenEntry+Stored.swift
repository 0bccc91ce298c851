import CofferEncoding
import CofferMountKit
import Foundation

extension TokenEntry {
    /// The entry as stored at `sys/token/id/<hash>`.
    var stored: Data {
        var record = StoredRecord()
        record.set("accessor", accessor)
        record.set("policies", policies)
        record.set("path", path)
        record.set("display_name", displayName)
        record.set("meta", meta)
        record.set("creation_time", creationTime)
        record.set("creation_ttl", creationTTL)
        record.set("expire_time", expireTime)
        record.set("explicit_max_ttl", explicitMaxTTL)
        record.set("period", period)
        record.set("num_uses", Int64(numUses))
        record.set("renewable", renewable)
        record.set("parent", parentHash)
        record.set("type", type)
        record.set("bound_cidrs", boundCIDRs)
        record.set("last_renewal", lastRenewal)
        record.set("hash", hash)
        if !entityID.isEmpty { record.set("entity_id", entityID) }
        return record.data
    }

    init(stored data: Data) throws {
        let fields = try StoredFields(data, record: "token")
        self.init(
            accessor: try fields.string("accessor"), policies: fields.strings("policies") ?? [], path: try fields.string("path"),
            displayName: try fields.string("display_name"), meta: fields.stringMap("meta"),
            creationTime: try fields.date("creation_time"), creationTTL: try fields.int("creation_ttl"),
            expireTime: fields.optionalDate("expire_time"), explicitMaxTTL: try fields.int("explicit_max_ttl"),
            period: try fields.int("period"), numUses: Int(try fields.int("num_uses")), renewable: try fields.bool("renewable"),
            parentHash: fields.optionalString("parent"), type: try fields.string("type"), boundCIDRs: fields.strings("bound_cidrs"),
            lastRenewal: fields.optionalDate("last_renewal"), hash: try fields.string("hash"),
            entityID: fields.optionalString("entity_id") ?? ""
        )
    }
}
