/// Stand-in for the one NIOCore type the request translator reads, so the fuzz
/// target builds without NIO: a body is bytes, read whole.
public struct ByteBuffer: Sendable {
    public var bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public var readableBytes: Int { bytes.count }
    public var readableBytesView: [UInt8] { bytes }
}
