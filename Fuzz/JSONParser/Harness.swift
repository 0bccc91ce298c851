import CofferEncoding
import CofferMountKit
import Foundation

/// libFuzzer entry for the JSON parser (`JSONValue.parse`) and the typed field
/// readers every request and stored record goes through.
///
/// Properties checked beyond "no trap": what parses serializes to JSON that
/// parses again, and serializing is stable from then on.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    let written = value.serialized()
    guard let reread = try? JSONValue.parse(written) else {
        fatalError("the writer's output does not parse")
    }
    guard reread.serialized() == written else { fatalError("serializing is not stable") }
    guard case .object(let members) = value else { return 0 }
    // Every coercion a path's fields may apply to any client value.
    let fields = RequestFields(members)
    let stored = try? StoredFields(Data(bytes), record: "fuzz")
    for name in members.keys {
        _ = try? fields.string(name)
        _ = try? fields.int(name)
        _ = try? fields.bool(name)
        if let seconds = try? fields.duration(name) {
            _ = GoDuration.format(seconds: seconds)
        }
        _ = try? fields.stringList(name)
        _ = try? fields.map(name)
        _ = try? stored?.int(name)
        if let date = stored?.optionalDate(name) {
            _ = Timestamps.rfc3339(date)
        }
        if case .string(let text) = members[name] {
            _ = GoDuration.seconds(from: text)
        }
    }
    return 0
}
