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
}
