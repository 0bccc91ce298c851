import Synchronization

/// The mount moves this server has carried out, by migration id, for
/// `sys/remount/status/<id>`. Held in memory, as OpenBao holds them: a restart
/// forgets them, and the mount tables themselves say where each mount is.
final class RemountMigrations: Sendable {
    enum Status: String, Sendable {
        case inProgress = "in-progress"
        case success
        case failure
    }

    struct Migration: Sendable {
        let source: String
        let target: String
        var status: Status
    }

    /// Ids older than the newest `limit` are dropped, so repeated moves cannot
    /// grow the table without bound.
    private let limit = 1024
    private let state = Mutex<(byID: [String: Migration], order: [String])>(([:], []))

    func begin(_ id: String, source: String, target: String) {
        state.withLock { state in
            state.byID[id] = Migration(source: source, target: target, status: .inProgress)
            state.order.append(id)
            if state.order.count > limit {
                state.byID[state.order.removeFirst()] = nil
            }
        }
    }

    func finish(_ id: String, _ status: Status) {
        state.withLock { $0.byID[id]?.status = status }
    }

    func status(_ id: String) -> Migration? {
        state.withLock { $0.byID[id] }
    }
}
