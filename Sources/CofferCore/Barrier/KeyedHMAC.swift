import CofferEncoding
import CofferMountKit
import Crypto

extension HMAC where H == SHA256 {
    /// The lowercase hex MAC of `value` under this already-keyed HMAC, after
    /// `prefix`; the HMAC itself is left as it was, ready for the next value.
    func hex(of value: String, prefix: StaticString = "") -> String {
        var mac = self
        var value = value
        value.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        return mac.finalize().withUnsafeBytes { Hex.encode($0, prefix: prefix) }
    }
}
