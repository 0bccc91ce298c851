import AsyncHTTPClient
import Foundation
import NIOSSL

/// The HTTP client's TLS from `VAULT_CACERT`, `VAULT_CAPATH`, `VAULT_CLIENT_CERT`,
/// `VAULT_CLIENT_KEY` and `VAULT_SKIP_VERIFY`.
enum TLSClientSettings {
    static func configuration(_ settings: ClientSettings) throws -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        let usesTLS = settings.caCertFile != nil || settings.caPath != nil || settings.clientCertFile != nil || settings.skipVerify
        guard usesTLS else { return configuration }
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let caFile = settings.caCertFile {
                tls.trustRoots = .file(caFile)
            } else if let caPath = settings.caPath {
                tls.trustRoots = .certificates(try certificates(inDirectory: caPath))
            }
            if let certFile = settings.clientCertFile {
                guard let keyFile = settings.clientKeyFile else {
                    throw CLIError("Error loading client certificate: VAULT_CLIENT_KEY is not set")
                }
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("Error loading TLS settings: \(error)")
        }
        if settings.skipVerify { tls.certificateVerification = .none }
        configuration.tlsConfiguration = tls
        return configuration
    }

    /// Every PEM certificate in the directory's regular files, as Go's `LoadCAPath`.
    private static func certificates(inDirectory path: String) throws -> [NIOSSLCertificate] {
        let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        var found: [NIOSSLCertificate] = []
        for name in names {
            let file = (path as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            found += (try? NIOSSLCertificate.fromPEMFile(file)) ?? []
        }
        guard !found.isEmpty else { throw CLIError("Error loading CA path: no PEM certificates in \(path)") }
        return found
    }
}
