import CofferEncoding
import Foundation

/// Where a node of an HA cluster stands.
package enum HANodeState: Sendable, Equatable {
    /// Sealed, or unsealed but not yet competing: requests reach the core, which
    /// answers as a sealed node does.
    case inactive
    /// Another node (or none yet) holds the lock: requests go to the leader.
    case standby(leader: LeaderAdvertisement?)
    /// This node holds the lock and serves every request.
    case active(since: Date)
}

/// What the active node advertises in the lock, for standbys to send clients to.
package struct LeaderAdvertisement: Sendable, Equatable {
    /// `api_addr`: where clients reach the leader (`https://node1:8200`).
    package var apiAddress: String
    /// `cluster_addr`, reported by `sys/leader`; empty when not configured.
    package var clusterAddress: String

    package init(apiAddress: String, clusterAddress: String) {
        self.apiAddress = apiAddress
        self.clusterAddress = clusterAddress
    }

    /// The lock row's value: a small JSON object, so a later field can be added
    /// without a node of the previous version misreading it.
    var lockValue: String {
        let value: JSONValue = ["api_addr": .string(apiAddress), "cluster_addr": .string(clusterAddress)]
        return String(decoding: value.serialized(), as: UTF8.self)
    }

    /// Reads a lock row's value; nil for one that is not ours to read.
    init?(lockValue: String) {
        guard case .object(let fields)? = try? JSONValue.parse(Array(lockValue.utf8)),
            let api = fields["api_addr"]?.stringValue, !api.isEmpty
        else { return nil }
        apiAddress = api
        clusterAddress = fields["cluster_addr"]?.stringValue ?? ""
    }
}
