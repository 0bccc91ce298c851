import Hummingbird
import NIOCore

/// Per-request state: the client's address, taken from the connection.
package struct CofferRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package let clientAddress: String?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// 32 MiB, OpenBao's default request size limit (spec §1.6).
    package var maxUploadSize: Int { 32 * 1024 * 1024 }
}
