import HummingbirdCore
import Logging
import NIOCore

/// Stops a listener accepting while `limit` of its connections are open.
///
/// Clients beyond the cap wait in the kernel's accept queue, first come first
/// served, and cost the process no descriptor until one is free; as the
/// deadlines of `ConnectionDeadlines` close slow and idle connections, a slot
/// held by a client that sends nothing frees itself within the header timeout.
/// Hummingbird's `AvailableConnectionsChannelHandler` asks this value before
/// each accept and tells it of each open and close, on the listener's loop.
/// (NIO accepts up to four connections per wake-up, so the cap may be passed
/// by three; the default leaves hundreds of descriptors to spare.)
struct ListenerConnectionCap: AvailableConnectionsDelegate {
    let limit: Int
    let logger: Logger
    private(set) var open = 0
    private var lastWarning: NIODeadline?

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    mutating func connectionOpened() {
        open += 1
        guard open >= limit else { return }
        // Under a flood this is reached again at every close: say it once a minute.
        let now = NIODeadline.now()
        if let lastWarning, now < lastWarning + .minutes(1) { return }
        lastWarning = now
        logger.warning("listener at max_connections; new connections wait until one closes", metadata: ["max_connections": "\(limit)"])
    }

    mutating func connectionClosed() {
        open = max(0, open - 1)
    }

    func isAcceptingNewConnections() -> Bool {
        open < limit
    }

    /// Descriptors kept for everything but connections: storage, audit files, the
    /// event loops' own, outbound fetches.
    static let reservedDescriptors = 256
    /// The cap when the config sets none and descriptors are plentiful.
    static let defaultLimit = 4096

    /// The cap of each of `listeners` listeners: the configured one, or the
    /// default, but never more than an equal share of the descriptors the
    /// process may open (`clamped` says the configured one was cut down).
    static func limit(configured: Int?, openFileLimit: Int, listeners: Int) -> (limit: Int, clamped: Bool) {
        let share = max(16, (openFileLimit - reservedDescriptors) / max(1, listeners))
        guard let configured else { return (min(defaultLimit, share), false) }
        return configured > share ? (share, true) : (configured, false)
    }
}
