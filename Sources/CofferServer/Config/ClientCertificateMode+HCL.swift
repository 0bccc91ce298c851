import CofferHCL

extension ClientCertificateMode {
    /// The mTLS keys of a `listener "tcp"` block. Requiring certificates needs
    /// the CA that signs them (Vault would fall back on the system's roots,
    /// which would let any publicly trusted certificate in).
    init(listener body: HCLBody, at position: HCLPosition) throws {
        let disable = try body.bool("tls_disable_client_certs") ?? false
        let require = try body.bool("tls_require_and_verify_client_cert") ?? false
        let caFile = try body.string("tls_client_ca_file")
        switch (disable, require) {
        case (true, true):
            throw ConfigError(
                "\(position): 'tls_disable_client_certs' and 'tls_require_and_verify_client_cert' are mutually exclusive")
        case (true, false):
            self = .disabled
        case (false, true):
            guard let caFile, !caFile.isEmpty else {
                throw ConfigError("\(position): tls_require_and_verify_client_cert needs tls_client_ca_file")
            }
            self = .required(caFile: caFile)
        case (false, false):
            self = .requested
        }
    }
}
