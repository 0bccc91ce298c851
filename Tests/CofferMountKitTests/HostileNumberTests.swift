import CofferEncoding
import CofferMountKit
import Foundation
import Testing

/// Numbers and durations a client or storage sends are refused or clamped, never
/// converted unchecked: each case here trapped (killed the server) before issue 12.
@Suite struct HostileNumberTests {
    @Test(
        "whole doubles convert only when they fit Int64",
        arguments: [
            (1e19, nil), (0x1p63, nil), (-0x1p64, nil), (1e300, nil), (.infinity, nil), (-.infinity, nil),
            (.nan, nil), (0.5, nil), (-0.0, 0), (-0x1p63, Int64.min), (0x1p62, 0x4000_0000_0000_0000), (3600, 3600),
        ] as [(Double, Int64?)])
    func checkedConversion(value: Double, expected: Int64?) {
        #expect(Int64(checking: value) == expected)
    }

    @Test("amounts computed from stored dates saturate instead of trapping")
    func saturatingConversion() {
        #expect(Int64(saturating: 1e300) == .max)
        // Double(Int64.max) is 2^63, one past Int64.max: `Int64(_:)` traps on it.
        #expect(Int64(saturating: Double(Int64.max)) == .max)
        #expect(Int64(saturating: -1e300) == .min)
        #expect(Int64(saturating: .nan) == 0)
        #expect(Int64(saturating: -12.9) == -12)
    }

    @Test("an int field given 1e19 or 1e300 in JSON is a field error", arguments: ["1e19", "1e300", "-9.3e18"])
    func intFieldRefusesHugeDoubles(json: String) throws {
        let fields = try RequestFields(#require(JSONValue.parse(Data("{\"n\": \(json)}".utf8)).objectValue))
        #expect(throws: FieldError.self) { try fields.int("n") }
    }

    @Test("an int field keeps what fits and refuses out-of-range digits with a clear reason")
    func intFieldRanges() throws {
        let fields = RequestFields(["whole": .double(-0.0), "max": .string("9223372036854775807"), "over": .string("9223372036854775808")])
        #expect(try fields.int("whole") == 0)
        #expect(try fields.int("max") == .max)
        let error = try #require(throws: FieldError.self) { try fields.int("over") }
        #expect(error.reason.contains("value out of range"))
    }

    @Test(
        "durations longer than Go can hold are refused as Vault refuses them",
        arguments: [
            JSONValue.int(.max), .int(.min), .int(9_223_372_037), .double(1e19), .double(1e300), .double(0.5),
            .string("9223372036854775807"), .string("99999999999999999999h"), .string("2562048h"),
            .string(String(repeating: "9", count: 400) + "h"), .string("-"), .string("١٢٣"), .string("١٢٣s"),
        ])
    func durationBounds(value: JSONValue) {
        #expect(throws: FieldError.self) { try RequestFields(["ttl": value]).duration("ttl") }
    }

    @Test("the longest Go duration and its spellings still parse")
    func durationLimits() throws {
        #expect(GoDuration.seconds(from: "2562047h") == 9_223_369_200)
        #expect(GoDuration.seconds(from: "9223372036") == GoDuration.maxSeconds)
        #expect(GoDuration.seconds(from: "-2562047h") == -9_223_369_200)
        #expect(GoDuration.seconds(from: "1h30m") == 5400)
        #expect(try RequestFields(["ttl": .int(GoDuration.maxSeconds)]).duration("ttl") == GoDuration.maxSeconds)
        #expect(try RequestFields(["ttl": .double(3600)]).duration("ttl") == 3600)
    }

    @Test("formatting the most negative stored duration does not trap")
    func formatExtremes() {
        // abs(Int64.min) traps; the magnitude does not.
        #expect(GoDuration.format(seconds: .min) == "-2562047788015215h30m8s")
        #expect(GoDuration.format(seconds: .max) == "2562047788015215h30m7s")
    }

    @Test(
        "dates far in the future or past format clamped to years 0000-9999",
        arguments: [
            (1e300, "9999-12-31T23:59:59.999Z"), (9.3e18, "9999-12-31T23:59:59.999Z"), (1e13, "9999-12-31T23:59:59.999Z"),
            (-1e300, "0000-01-01T00:00:00.000Z"), (.nan, "1970-01-01T00:00:00.000Z"),
        ] as [(Double, String)])
    func farDates(seconds: Double, expected: String) {
        #expect(Timestamps.rfc3339(Date(timeIntervalSince1970: seconds)) == expected)
        #expect(Timestamps.rfc3339(.distantFuture) == "4001-01-01T00:00:00.000Z")
    }

    @Test("a stored integer field holding 1e300 reads as corrupt, not as a trap")
    func storedHugeNumber() throws {
        let fields = try StoredFields(Data(#"{"num_uses": 1e300, "ok": 2.0}"#.utf8), record: "token")
        #expect(throws: StoredRecordError.self) { try fields.int("num_uses") }
        #expect(try fields.int("ok") == 2)
    }
}
