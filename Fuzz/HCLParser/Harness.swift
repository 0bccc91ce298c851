import CofferHCL

/// libFuzzer entry for the HCL parser (policies and the server config), and the
/// value accessors their readers use.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let body = try? HCLParser.parse(source) else { return 0 }
    visit(body)
    return 0
}

/// Reads every value every way a caller might.
private func visit(_ body: HCLBody) {
    _ = body.names
    for attribute in body.attributes { visit(attribute.value) }
    for block in body.blocks {
        _ = block.label
        visit(block.body)
    }
}

private func visit(_ value: HCLValue) {
    _ = value.kindName
    _ = value.summary
    _ = value.stringValue
    _ = value.boolValue
    _ = value.intValue
    _ = value.doubleValue
    _ = value.stringListValue
    if let list = value.listValue { list.forEach(visit) }
    if let object = value.objectValue { visit(object) }
}
