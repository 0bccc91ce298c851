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

    package var maxUploadSize: Int { VaultAPIResponder.maxBodySize }
}
