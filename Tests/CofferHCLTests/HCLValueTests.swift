import Testing

@testable import CofferHCL

/// Lenient scalar conversions that Vault configs rely on.
@Suite struct HCLValueTests {
    @Test func boolAcceptsVaultSpellings() {
        for value: HCLValue in [true, "true", "True", "TRUE", "t", "1", 1] {
            #expect(value.boolValue == true, "\(value)")
        }
        for value: HCLValue in [false, "false", "F", "0", 0] {
            #expect(value.boolValue == false, "\(value)")
        }
        for value: HCLValue in ["yes", 2, 1.0, [], .object(HCLBody())] {
            #expect(value.boolValue == nil, "\(value)")
        }
    }

    @Test func intAcceptsNumericStringsAndIntegralFloats() {
        #expect(HCLValue.int(8200).intValue == 8200)
        #expect(HCLValue.string("8200").intValue == 8200)
        #expect(HCLValue.double(1e3).intValue == 1000)
        #expect(HCLValue.double(1.5).intValue == nil)
        #expect(HCLValue.double(1e300).intValue == nil)
        #expect(HCLValue.string("8k").intValue == nil)
    }

    @Test func stringRendersScalarsLikeTheHCL1Decoder() {
        #expect(HCLValue.int(8200).stringValue == "8200")
        #expect(HCLValue.bool(true).stringValue == "true")
        #expect(HCLValue.list([]).stringValue == nil)
        #expect(HCLValue.list(["a", 1]).stringListValue == ["a", "1"])
        #expect(HCLValue.list(["a", []]).stringListValue == nil)
    }

    @Test func errorDescriptionFormat() {
        let error = HCLParseError(line: 3, column: 14, message: "expected '=' or '{' after key \"path\"")
        #expect(error.description == "At 3:14: expected '=' or '{' after key \"path\"")
        #expect(error.position == HCLPosition(line: 3, column: 14))
    }
}
