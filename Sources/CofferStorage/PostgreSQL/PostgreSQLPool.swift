import PostgresNIO

/// A PostgresClient and the task that runs it, alive as long as anything uses
/// it: the storage and its HA lock share one, so the lock keeps working however
/// the two are held.
final class PostgreSQLPool: Sendable {
    let client: PostgresClient
    private let runner: Task<Void, Never>

    init(_ client: PostgresClient) {
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    func close() { runner.cancel() }
}
