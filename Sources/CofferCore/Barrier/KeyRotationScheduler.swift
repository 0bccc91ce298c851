import Foundation

/// Checks the barrier's rotation policy while unsealed: rotates the active key
/// when it is due and stores the encryption count. A check every 30 seconds is
/// far inside the margin: the operation limit leaves about 430 million
/// encryptions of headroom before AES-GCM's random-nonce bound.
actor KeyRotationScheduler {
    private let barrier: SecurityBarrier
    private let period: Duration
    private var task: Task<Void, Never>?

    init(barrier: SecurityBarrier, period: Duration = .seconds(30)) {
        self.barrier = barrier
        self.period = period
    }

    func start() {
        task?.cancel()
        task = Task { [barrier, period] in
            while !Task.isCancelled {
                try? await Task.sleep(for: period)
                guard !Task.isCancelled else { return }
                // A failure (storage down) is retried at the next check; the
                // current key stays usable meanwhile.
                _ = try? await barrier.rotateIfDue()
            }
        }
    }

    /// Before seal: stop checking and keep the count.
    func stop() async {
        task?.cancel()
        task = nil
        try? await barrier.storeEncryptionCount()
    }
}
