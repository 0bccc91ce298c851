import CofferMountKit
import CofferMounts
import NIOSSL
import X509

extension PeerCertificates {
    /// The chain a client presented on its connection; nil when it presented
    /// none or its leaf does not parse.
    init?(presented: [NIOSSLCertificate]) {
        guard let chain = try? presented.map({ try $0.toDERBytes() }) else { return nil }
        self.init(der: chain, isForwarded: false)
    }

    /// A chain of DER certificates, described by its leaf.
    init?(der chain: [[UInt8]], isForwarded: Bool) {
        guard let first = chain.first, let leaf = try? Certificate(derEncoded: first) else { return nil }
        self.init(
            chain: chain, leafSubject: leaf.subject.description,
            leafSerialNumber: SerialNumbers.decimal(leaf.serialNumber.bytes), isForwarded: isForwarded)
    }
}
