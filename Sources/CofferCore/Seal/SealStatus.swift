import CofferEncoding
import CofferMountKit

/// What `sys/seal-status` and `sys/unseal` report (spec/vault-api.md §4.2).
package struct SealStatus: Sendable, Equatable {
    package var initialized: Bool
    package var sealed: Bool
    package var threshold: Int
    package var shares: Int
    package var progress: Int
    package var nonce: String
    package var storageType: String
    package var cluster: ClusterInfo?

    /// The body in OpenBao's field order; cluster fields only while unsealed.
    package var body: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("type", "shamir"), ("initialized", .bool(initialized)), ("sealed", .bool(sealed)),
            ("t", JSONValue(threshold)), ("n", JSONValue(shares)), ("progress", JSONValue(progress)),
            ("nonce", .string(nonce)), ("recovery_seal", false), ("version", .string(CofferVersion.vaultVersion)),
            ("commit_date", .string(CofferVersion.buildDate)), ("migration", false),
        ]
        if let cluster, !sealed {
            fields.append(("cluster_name", .string(cluster.name)))
            fields.append(("cluster_id", .string(cluster.id)))
        }
        fields.append(("storage_type", .string(storageType)))
        return fields
    }
}

/// The cluster's name and id, made at init and kept behind the barrier.
package struct ClusterInfo: Codable, Sendable, Equatable {
    package var name: String
    package var id: String

    static func fresh() -> ClusterInfo {
        ClusterInfo(name: "vault-cluster-\(UUIDs.hex(bytes: 4))", id: UUIDs.make())
    }
}
