import NIOSSL

/// Builds the TLS configuration of a listener from its PEM files.
package enum TLSSettings {
    package static func server(certFile: String, keyFile: String) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        } catch {
            throw ConfigError("cannot load TLS certificate \(certFile) or key \(keyFile): \(error)")
        }
    }

    /// An API listener's TLS: its certificate, and what it asks of clients'.
    /// The check of a client's certificate is the listener's own
    /// (`ClientCertificateCheck`), not BoringSSL's, so that the chain the client
    /// presented reaches the request whatever the mode.
    package static func listener(certFile: String, keyFile: String, clientCertificates mode: ClientCertificateMode) throws -> ListenerTLS {
        var configuration = try server(certFile: certFile, keyFile: keyFile)
        switch mode {
        case .disabled:
            return ListenerTLS(configuration: configuration, clientCertificates: nil)
        case .requested:
            configuration.certificateVerification = .optionalVerification
            // Never consulted (the check replaces BoringSSL's); empty, so no system store is loaded.
            configuration.trustRoots = .certificates([])
            return ListenerTLS(configuration: configuration, clientCertificates: ClientCertificateCheck(roots: nil))
        case .required(let caFile):
            configuration.certificateVerification = .noHostnameVerification
            // Loaded by BoringSSL too, so the handshake names the CAs a client should pick a certificate for.
            configuration.trustRoots = .file(caFile)
            configuration.sendCANameList = true
            return ListenerTLS(configuration: configuration, clientCertificates: try ClientCertificateCheck(caFile: caFile))
        }
    }
}

/// A listener's TLS configuration and its check of client certificates (nil:
/// it asks for none).
package struct ListenerTLS: Sendable {
    let configuration: TLSConfiguration
    let clientCertificates: ClientCertificateCheck?
}
