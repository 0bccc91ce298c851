import CofferHCL
import Foundation

extension ForwardedClientCertificate {
    /// `x_forwarded_for_client_cert_header` and `..._decoders` of a listener;
    /// nil when no header is named. It needs trusted proxies: from anyone else
    /// the header would let a client claim any certificate.
    init?(listener body: HCLBody, at position: HCLPosition) throws {
        guard let header = try body.string("x_forwarded_for_client_cert_header"), !header.isEmpty else { return nil }
        guard !(try body.stringList("x_forwarded_for_authorized_addrs") ?? []).isEmpty else {
            throw ConfigError("\(position): x_forwarded_for_client_cert_header needs x_forwarded_for_authorized_addrs")
        }
        var decoders: [Decoder] = []
        // Vault takes a comma-separated string ("URL,BASE64,DER"); a list is read too.
        let key = "x_forwarded_for_client_cert_header_decoders"
        var names: [String] = []
        if let text = try? body.string(key) {
            names = [text]
        } else {
            names = try body.stringList(key) ?? []
        }
        for name in names.flatMap({ $0.split(separator: ",") }) {
            let trimmed = name.trimmingCharacters(in: .whitespaces).uppercased()
            guard let decoder = Decoder(rawValue: trimmed) else {
                throw ConfigError(
                    "\(position): unknown x_forwarded_for_client_cert_header_decoders entry \"\(trimmed)\" (URL, BASE64, DER)")
            }
            decoders.append(decoder)
        }
        self.init(header: header, decoders: decoders)
    }
}
