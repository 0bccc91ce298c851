/// Ticks while its mount is alive (static-role rotations, the aws engine's
/// leftover-user sweep): dropped with the mount (unmount, seal), it
/// stops its task.
final class MountTicker: Sendable {
    private let task: Task<Void, Never>

    init(every seconds: Int, _ tick: @escaping @Sendable () async -> Void) {
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(seconds))
                if Task.isCancelled { return }
                await tick()
            }
        }
    }

    deinit { task.cancel() }
}
