import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Where a `socket` device sends its lines, from its `address` and
/// `socket_type` options as Go's `net.Dial` reads them, and the dial errors in
/// Go's words (OpenBao's enable answer quotes them).
struct SocketEndpoint: Sendable, Equatable {
    enum Transport: Sendable, Equatable {
        case tcp
        case udp
        case unix
    }

    /// The network as given (`tcp`, `tcp4`, `udp6`, `unix`...), for error texts.
    let network: String
    let address: String
    /// Nil for a network Go does not know: every dial then fails, as in Vault.
    let transport: Transport?

    init(network: String, address: String) {
        self.network = network
        self.address = address
        switch network {
        case "tcp", "tcp4", "tcp6": transport = .tcp
        case "udp", "udp4", "udp6": transport = .udp
        case "unix": transport = .unix
        default: transport = nil
        }
    }

    /// Host and port of an `ip:port`, `[ipv6]:port` or `name:port` address.
    func hostAndPort() throws(DialError) -> (host: String, port: Int) {
        guard let colon = address.lastIndex(of: ":") else {
            throw DialError("dial \(network): address \(address): missing port in address")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port) else {
            throw DialError("dial \(network): address \(address): invalid port")
        }
        return (host, port)
    }

    /// Opens a channel to the endpoint; `timeout` bounds a stream connect.
    func connect(group: any EventLoopGroup, timeout: TimeAmount) async throws(DialError) -> any Channel {
        do {
            switch transport {
            case .tcp:
                let (host, port) = try hostAndPort()
                let bootstrap = ClientBootstrap(group: group).connectTimeout(timeout)
                if let literal = try? SocketAddress(ipAddress: host, port: port) {
                    return try await bootstrap.connect(to: literal).get()
                }
                return try await bootstrap.connect(host: host, port: port).get()
            case .udp:
                let (host, port) = try hostAndPort()
                return try await DatagramBootstrap(group: group).connect(host: host, port: port).get()
            case .unix:
                return try await ClientBootstrap(group: group).connectTimeout(timeout).connect(unixDomainSocketPath: address).get()
            case nil:
                throw DialError("dial \(network): unknown network \(network)")
            }
        } catch let error as DialError {
            throw error
        } catch {
            throw DialError(goText(error))
        }
    }

    /// A NIO connect error as Go's dialer words it: `dial tcp 127.0.0.1:1: connect: connection refused`.
    private func goText(_ error: any Error) -> String {
        let prefix = "dial \(network) \(address)"
        if let io = error as? IOError { return "\(prefix): connect: \(Self.errnoText(io.errnoCode))" }
        if let failed = error as? NIOConnectionError {
            if let io = failed.connectionErrors.first?.error as? IOError { return "\(prefix): connect: \(Self.errnoText(io.errnoCode))" }
            if failed.connectionErrors.isEmpty { return "dial \(network): lookup \(failed.host): no such host" }
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError { return "\(prefix): i/o timeout" }
        return "\(prefix): \(error)"
    }

    /// Go's errno texts are the C library's, lower-cased at the start.
    static func errnoText(_ code: CInt) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}

/// A dial or write that failed, in words safe to show (an address and an errno, never a line).
struct DialError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
