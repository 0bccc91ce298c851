import CofferEncoding
import CofferMountKit
import Foundation

extension SystemBackend {
    /// An HA node that is not the active one (competing, or following a leader).
    var isHAStandby: Bool {
        guard let ha else { return false }
        if case .active = ha.state { return false }
        return true
    }

    /// `sys/leader`: `{"ha_enabled": false}` alone on a single node, as OpenBao
    /// answers; on an HA node, whether it leads and where the leader is.
    func leader() -> Response {
        guard let ha else { return .raw(status: 200, body: [("ha_enabled", false)]) }
        guard !barrier.isSealed else { return .error(CoreError.sealed) }
        let (isSelf, since, leader): (Bool, Date?, LeaderAdvertisement?) =
            switch ha.state {
            case .active(let since): (true, since, ha.advertisement)
            case .standby(let leader): (false, nil, leader)
            case .inactive: (false, nil, nil)
            }
        return .raw(
            status: 200,
            body: [
                ("ha_enabled", true), ("is_self", .bool(isSelf)),
                // Go's zero time when this node is not the active one.
                ("active_time", .string(since.map(Timestamps.rfc3339) ?? "0001-01-01T00:00:00Z")),
                ("leader_address", .string(leader?.apiAddress ?? "")),
                ("leader_cluster_address", .string(leader?.clusterAddress ?? "")),
                ("performance_standby", false), ("performance_standby_last_remote_wal", 0),
            ])
    }

    /// `sys/step-down` (sudo, checked by the pipeline): the active node gives up
    /// the lock; on a single node there is nothing to give up, as in OpenBao.
    func stepDown() -> Response {
        ha?.stepDown()
        return .noContent
    }
}
