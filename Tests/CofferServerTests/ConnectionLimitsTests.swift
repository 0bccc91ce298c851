import Logging
import NIOCore
import Testing

@testable import CofferServer

/// The listener keys for slow clients and the connection cap, as an operator writes them.
@Suite struct ConnectionLimitsTests {
    func listener(_ keys: String) throws -> ServerConfig.Listener {
        let config = try ServerConfig(
            hcl: """
                storage "inmem" {}
                listener "tcp" {
                  address = "127.0.0.1:8200"
                  tls_disable = true
                \(keys)
                }
                """)
        return try #require(config.listeners.first)
    }

    @Test("without keys, Vault's defaults: idle 5m, header 10s, read 30s, no write timeout")
    func defaults() throws {
        let limits = try listener("").connectionLimits
        #expect(limits.deadlines == .init(header: .seconds(10), read: .seconds(30), idle: .minutes(5), write: nil))
        #expect(limits.maxConnections == nil)
    }

    @Test("Vault's key names and duration forms are read")
    func keys() throws {
        let limits = try listener(
            """
              http_idle_timeout = "90s"
              http_read_header_timeout = "500ms"
              http_read_timeout = "1m30s"
              http_write_timeout = 20
              max_connections = 3000
            """
        ).connectionLimits
        #expect(limits.deadlines == .init(header: .milliseconds(500), read: .seconds(90), idle: .seconds(90), write: .seconds(20)))
        #expect(limits.maxConnections == 3000)
    }

    @Test("zero falls back as Vault documents: header to read, idle to read then header")
    func zeroFallbacks() throws {
        let noHeader = try listener("http_read_header_timeout = \"0\"").connectionLimits
        #expect(noHeader.deadlines.header == .seconds(30))
        let noIdle = try listener("http_idle_timeout = \"0s\"").connectionLimits
        #expect(noIdle.deadlines.idle == .seconds(30))
        let onlyHeader = try listener("http_idle_timeout = 0\nhttp_read_timeout = 0").connectionLimits
        #expect(onlyHeader.deadlines.idle == .seconds(10))
        #expect(onlyHeader.deadlines.read == nil)
    }

    @Test(
        "bad values are refused with the key named",
        arguments: [
            "http_idle_timeout = \"5 minutes\"", "http_read_timeout = \"-1s\"", "http_read_header_timeout = \"\"",
            "http_write_timeout = \"9999999h\"", "max_connections = 0", "max_connections = -5", "max_connections = 99999999999",
        ])
    func refused(_ line: String) {
        #expect(throws: ConfigError.self) { try listener(line) }
    }

    @Test("the default cap fits the open-file limit, shared among listeners")
    func defaultCap() {
        #expect(ListenerConnectionCap.limit(configured: nil, openFileLimit: 1 << 20, listeners: 1) == (4096, false))
        #expect(ListenerConnectionCap.limit(configured: nil, openFileLimit: 1024, listeners: 1) == (768, false))
        #expect(ListenerConnectionCap.limit(configured: nil, openFileLimit: 1024, listeners: 2) == (384, false))
        #expect(ListenerConnectionCap.limit(configured: 3000, openFileLimit: 20000, listeners: 1) == (3000, false))
        // A configured cap the process could not hold is cut down, and says so.
        #expect(ListenerConnectionCap.limit(configured: 3000, openFileLimit: 1024, listeners: 1) == (768, true))
    }

    @Test("at the cap the listener stops accepting until a connection closes")
    func capStopsAccepting() {
        var cap = ListenerConnectionCap(limit: 2, logger: Logger(label: "test"))
        #expect(cap.isAcceptingNewConnections())
        cap.connectionOpened()
        #expect(cap.isAcceptingNewConnections())
        cap.connectionOpened()
        #expect(!cap.isAcceptingNewConnections())
        cap.connectionClosed()
        #expect(cap.isAcceptingNewConnections())
    }
}
