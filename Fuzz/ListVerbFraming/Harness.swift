/// libFuzzer entry for `ListVerbFraming`, the byte-level rewriter of the `LIST`
/// verb that sees every byte a client sends before the HTTP parser does.
///
/// The input is cut into reads at the positions its first byte chooses, so the
/// state kept across reads (held request lines, partial headers, bodies) is
/// exercised. The property is that nothing traps, whatever arrives.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let seed = Int(data[0])
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var framing = ListVerbFraming()
    var output: [UInt8] = []
    var start = 0
    var step = 0
    while start < bytes.count {
        step += 1
        let length = 1 + (seed * 31 + step * 17) % 97
        let end = min(bytes.count, start + length)
        output += framing.process(Array(bytes[start..<end]))
        start = end
    }
    // One more read after the end, as a keep-alive connection may bring.
    output += framing.process(Array("GET /v1/sys/health HTTP/1.1\r\n\r\n".utf8))
    _ = output
    return 0
}
