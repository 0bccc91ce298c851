import CofferCore
import CofferMountKit
import CofferMounts
import CofferStorage
import Foundation
import HummingbirdCore
import HummingbirdTLS
import Logging
import ServiceLifecycle

/// Wires storage, core, mounts and listeners into one running server.
package struct ServerAssembly {
    /// `server -dev` settings.
    package struct DevOptions: Sendable {
        package var rootTokenID: String?
        package var listenAddress: String = "127.0.0.1:8200"
        package init(rootTokenID: String? = nil, listenAddress: String = "127.0.0.1:8200") {
            self.rootTokenID = rootTokenID
            self.listenAddress = listenAddress
        }
    }

    /// The storage the config names, each operation timed into `metrics`.
    package static func makeStorage(_ config: ServerConfig, metrics: PrometheusMetrics) async throws -> any PhysicalStorage {
        switch config.storage {
        // Memory is not timed: its operations cost less than the timing, and the
        // dev server's KV read and login are the hot paths benchmarked.
        case .inmem: return MemoryStorage()
        case .sqlite(let path): return cached(try SQLiteStorage(path: path), config, metrics)
        case .postgresql(let settings): return cached(try await PostgreSQLStorage.open(settings), config, metrics)
        }
    }

    /// A durable backend, timed, behind the read cache, unless `disable_cache` is
    /// set (memory needs none: it is the cache).
    static func cached(_ storage: any PhysicalStorage, _ config: ServerConfig, _ metrics: PrometheusMetrics) -> any PhysicalStorage {
        let measured = MeasuredStorage(storage, metrics: metrics.factory)
        return config.disableCache ? measured : CachedStorage(measured, capacity: config.cacheSize, metrics: metrics.factory)
    }

    /// The core on its storage; on PostgreSQL with `ha_enabled`, one node of an HA cluster.
    /// Every part records into `metrics`, which `sys/metrics` renders.
    package static func makeCore(_ config: ServerConfig, logger: Logger, metrics: PrometheusMetrics = PrometheusMetrics()) async throws
        -> Core
    {
        let coreMetrics = metrics.coreMetrics(prometheusEnabled: config.telemetry.prometheusEnabled)
        let mountFactories = BuiltinMounts.makeFactories(metrics: metrics.factory)
        guard case .postgresql(let settings) = config.storage, settings.haEnabled else {
            return Core(
                physical: try await makeStorage(config, metrics: metrics), mountFactories: mountFactories,
                revocationRetry: revocationRetry(), metrics: coreMetrics)
        }
        let storage = try await PostgreSQLStorage.open(settings)
        let timings = HATimings()
        let lock = try await storage.haLock(
            table: settings.haTable, identity: UUID().uuidString.lowercased(), ttl: timings.lockTTL, createTable: !settings.skipCreateTable)
        let apiAddress = config.apiAddress ?? defaultAPIAddress(config.listeners)
        if config.apiAddress == nil {
            logger.warning(
                "no api_addr configured: standbys will send clients to this listener's address", metadata: ["api_addr": "\(apiAddress)"])
        }
        let advertisement = LeaderAdvertisement(apiAddress: apiAddress, clusterAddress: config.clusterAddress ?? "")
        let ha = HACoordinator(lock: lock, advertisement: advertisement, timings: timings, clock: Date.init)
        return Core(
            physical: cached(storage, config, metrics), mountFactories: mountFactories, ha: ha, revocationRetry: revocationRetry(),
            metrics: coreMetrics)
    }

    /// OpenBao's revocation backoff (10 s base), unless `COFFER_LEASE_REVOKE_RETRY_BASE`
    /// sets the base in seconds (0.05 to 3600): the end-to-end tests watch a lease
    /// run out of retries in seconds rather than ten minutes.
    static func revocationRetry(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> RevocationRetry {
        guard let text = environment["COFFER_LEASE_REVOKE_RETRY_BASE"], let base = Double(text), base >= 0.05, base <= 3600 else {
            return .standard
        }
        return RevocationRetry(base: base)
    }

    /// The first listener's address as a URL, as Vault guesses an unset `api_addr`.
    static func defaultAPIAddress(_ listeners: [ServerConfig.Listener]) -> String {
        guard let listener = listeners.first, let (host, port) = try? listener.hostAndPort() else { return "" }
        let shown = host == "0.0.0.0" ? "127.0.0.1" : host.contains(":") ? "[\(host)]" : host
        return "\(listener.tlsDisable ? "http" : "https")://\(shown):\(port)"
    }

    /// Runs until SIGINT or SIGTERM.
    package static func run(config: ServerConfig, dev: DevOptions?, logger: Logger) async throws {
        var config = config
        // As OpenBao's dev mode: Prometheus text on, and metrics readable without a token.
        if dev != nil { config.telemetry = .dev }
        let core = try await makeCore(config, logger: logger)
        core.audit.declare(config.auditDevices)
        core.lockouts.configure(config.userLockouts)
        core.audit.allowAPICreation(config.allowAPIAuditCreation)
        let hangup = reopenAuditLogsOnSIGHUP(core.audit)
        defer { hangup.cancel() }
        var listeners = config.listeners
        if let dev {
            var listener = ServerConfig.Listener()
            listener.address = dev.listenAddress
            listener.tlsDisable = true
            listener.unauthenticatedMetricsAccess = true
            listeners = [listener]
            let (unsealKey, rootToken) = try await core.startDev(rootTokenID: dev.rootTokenID)
            printDevBanner(address: dev.listenAddress, unsealKey: unsealKey, rootToken: rootToken)
        }
        for key in config.ignoredKeys {
            logger.warning("ignoring config key that Coffer does not use", metadata: ["key": "\(key)"])
        }

        // Raised before any listener opens, and before the connection caps are
        // worked out from it.
        let openFileLimit = OpenFileLimit.raiseToHard()
        var services: [any Service] = []
        for listener in listeners {
            let cap = ListenerConnectionCap.limit(
                configured: listener.connectionLimits.maxConnections, openFileLimit: openFileLimit, listeners: listeners.count
            )
            if cap.clamped {
                logger.warning(
                    "max_connections lowered to fit the open-file limit",
                    metadata: ["address": "\(listener.address)", "max_connections": "\(cap.limit)", "open_file_limit": "\(openFileLimit)"]
                )
            }
            services.append(try makeServer(core: core, listener: listener, maxConnections: cap.limit, logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await group.run()
        } catch {
            await releaseHALock(core)
            throw error
        }
        await releaseHALock(core)
    }

    /// A clean stop of an HA node gives up the lock at once, so a standby takes
    /// over now rather than when the lock would have lapsed.
    private static func releaseHALock(_ core: Core) async {
        guard core.ha != nil else { return }
        await core.seal.seal()
    }

    /// The server of one listener. `onRunning` hears the port it took, which the
    /// tests need when they listen on port 0.
    static func makeServer(
        core: Core, listener: ServerConfig.Listener, maxConnections: Int, logger: Logger,
        onRunning: (@Sendable (Int) async -> Void)? = nil
    ) throws -> any Service {
        let (host, port) = try listener.hostAndPort()
        var tls: ListenerTLS?
        if !listener.tlsDisable, let certFile = listener.tlsCertFile, let keyFile = listener.tlsKeyFile {
            tls = try TLSSettings.listener(certFile: certFile, keyFile: keyFile, clientCertificates: listener.clientCertificates)
        }
        let responder = VaultAPIResponder(
            core: core, logger: logger, trustedProxies: listener.trustedProxies,
            forwardedClientCertificate: listener.forwardedClientCertificate,
            unauthenticatedMetricsAccess: listener.unauthenticatedMetricsAccess)
        let scheme = listener.tlsDisable ? "http" : "https"
        let configuration = ServerConfiguration(
            address: .hostname(host, port: port),
            serverName: nil,
            // Clients beyond the cap wait here, not in the process; Go listens
            // with the system's maximum (somaxconn), usually 4096.
            backlog: 4096,
            availableConnectionsDelegate: ListenerConnectionCap(limit: maxConnections, logger: logger)
        )
        return try VaultHTTP1Channel.makeServer(
            responder: responder, tls: tls, limits: listener.connectionLimits, configuration: configuration,
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info("Coffer server started", metadata: ["address": "\(scheme)://\(host):\(bound)"])
                await onRunning?(bound)
            },
            logger: logger
        )
    }

    /// `kill -HUP`: audit devices reopen their files (log rotation) and redial their sockets.
    private static func reopenAuditLogsOnSIGHUP(_ audit: AuditBroker) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler { Task { await audit.reloadAll() } }
        source.resume()
        return source
    }

    private static func printDevBanner(address: String, unsealKey: [UInt8], rootToken: String) {
        // Written straight to the stdout file so it shows at once even when piped.
        FileHandle.standardOutput.write(
            Data(
                """
                WARNING! dev mode is enabled! In this mode, Coffer runs entirely in-memory
                and starts unsealed with a single unseal key. The root token is already
                authenticated to the CLI, so you can immediately begin using Coffer.

                You may need to set the following environment variables:

                    $ export VAULT_ADDR='http://\(address)'

                The unseal key and root token are displayed below in case you want to
                seal/unseal the Vault or re-authenticate.

                Unseal Key: \(Data(unsealKey).base64EncodedString())
                Root Token: \(rootToken)

                Development mode should NOT be used in production installations!


                """.utf8))
    }
}
