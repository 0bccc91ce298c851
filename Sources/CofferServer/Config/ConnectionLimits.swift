import NIOCore

/// How long a listener waits on its clients and how many it serves at once:
/// Vault's `http_idle_timeout`, `http_read_header_timeout`, `http_read_timeout`
/// and `http_write_timeout` (same defaults), and Coffer's `max_connections`
/// (neither Vault nor OpenBao has one).
package struct ConnectionLimits: Sendable, Equatable {
    /// Between requests on a kept-alive connection.
    package var idleTimeout: TimeAmount = .minutes(5)
    /// From a request's first byte to the end of its head.
    package var readHeaderTimeout: TimeAmount = .seconds(10)
    /// From a request's first byte to the end of its body.
    package var readTimeout: TimeAmount = .seconds(30)
    /// From a request's head to the end of its answer's writes; zero is none.
    package var writeTimeout: TimeAmount = .zero
    /// Connections open at once on the listener; nil chooses one from the
    /// process's open-file limit at start (`ListenerConnectionCap.limit`).
    package var maxConnections: Int?

    package init() {}

    /// The timeouts in force, zero meaning "none" or another one, as Vault's
    /// docs say: a zero header timeout is the read timeout; a zero idle timeout
    /// is the read timeout, or if that is zero too, the header timeout.
    var deadlines: ConnectionDeadlines.Timeouts {
        let read = Self.some(readTimeout)
        let header = Self.some(readHeaderTimeout) ?? read
        return .init(header: header, read: read, idle: Self.some(idleTimeout) ?? read ?? header, write: Self.some(writeTimeout))
    }

    private static func some(_ amount: TimeAmount) -> TimeAmount? {
        amount > .zero ? amount : nil
    }
}
