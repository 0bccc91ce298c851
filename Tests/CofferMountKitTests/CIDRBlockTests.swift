import CofferEncoding
import CofferMountKit
import Testing

@Suite struct CIDRBlockTests {
    @Test("a block lies in another only when narrower or equal, same family and network")
    func blockInBlock() {
        let role = CIDRBlock("10.0.0.0/8")!
        #expect(role.contains(CIDRBlock("10.1.2.0/24")!))
        #expect(role.contains(CIDRBlock("10.0.0.0/8")!))
        #expect(!role.contains(CIDRBlock("0.0.0.0/0")!))
        #expect(!role.contains(CIDRBlock("11.0.0.0/24")!))
        #expect(!role.contains(CIDRBlock("fd00::/64")!))
        // A bare address is a /32: the same address written as /32 lies in it.
        #expect(CIDRBlock("10.0.0.1")!.contains(CIDRBlock("10.0.0.1/32")!))
        #expect(!CIDRBlock.anyContains(["10.0.0.0/8"], nil))
        #expect(CIDRBlock.anyContains(["bogus", "10.0.0.0/8"], "10.9.9.9"))
    }

    @Test("IPv4 blocks contain their addresses and no others")
    func ipv4() throws {
        let block = try #require(CIDRBlock("10.1.0.0/16"))
        #expect(block.contains("10.1.200.3"))
        #expect(!block.contains("10.2.0.1"))
        #expect(block.contains("::ffff:10.1.0.9"))
        #expect(try #require(CIDRBlock("127.0.0.1")).contains("127.0.0.1"))
        #expect(!(try #require(CIDRBlock("127.0.0.1"))).contains("127.0.0.2"))
    }

    @Test("IPv6 blocks, and the whole space")
    func ipv6() throws {
        #expect(try #require(CIDRBlock("fd00::/8")).contains("fd12::1"))
        #expect(!(try #require(CIDRBlock("fd00::/8"))).contains("fe80::1"))
        #expect(try #require(CIDRBlock("0.0.0.0/0")).contains("203.0.113.5"))
    }

    @Test("malformed blocks are refused", arguments: ["10.0.0.0/33", "nonsense", "10.0.0/8", "::1/129", ""])
    func malformed(_ text: String) {
        #expect(CIDRBlock(text) == nil)
    }
}

@Suite struct PathPatternTests {
    @Test("literal, one-segment and rest patterns")
    func matching() {
        #expect(PathPattern("data/{path...}").match("data/ci/production/db") == ["path": "ci/production/db"])
        #expect(PathPattern("role/{name}").match("role/ci") == ["name": "ci"])
        #expect(PathPattern("role/{name}").match("role/ci/extra") == nil)
        #expect(PathPattern("login").match("login/") == [:])
        #expect(PathPattern("login").match("logout") == nil)
    }
}

@Suite struct RequestFieldsTests {
    @Test("durations in every spelling clients send")
    func durations() throws {
        let fields = RequestFields(["a": 600, "b": "600", "c": "15m", "d": "1h0m0s", "e": "0s", "f": "1m0s", "g": "720h"])
        #expect(try fields.duration("a") == 600)
        #expect(try fields.duration("b") == 600)
        #expect(try fields.duration("c") == 900)
        #expect(try fields.duration("d") == 3600)
        #expect(try fields.duration("e") == 0)
        #expect(try fields.duration("f") == 60)
        #expect(try fields.duration("g") == 2_592_000)
        #expect(throws: FieldError.self) { try RequestFields(["x": "abc"]).duration("x") }
    }

    @Test("lists from arrays, comma strings and single values; maps from JSON text")
    func listsAndMaps() throws {
        #expect(try RequestFields(["p": "a,b"]).stringList("p") == ["a", "b"])
        #expect(try RequestFields(["p": ["a", "b"]]).stringList("p") == ["a", "b"])
        #expect(try RequestFields(["p": "a"]).stringList("p") == ["a"])
        #expect(try RequestFields(["m": "{\"k\": \"v\"}"]).map("m") == ["k": "v"])
        #expect(throws: FieldError.self) { try RequestFields(["m": "not json"]).map("m") }
        #expect(try RequestFields(["n": "3", "b": "true"]).int("n") == 3)
        #expect(try RequestFields(["b": "true"]).bool("b") == true)
    }

    @Test("Go duration strings come back in Go's form")
    func formatting() {
        #expect(GoDuration.format(seconds: 0) == "0s")
        #expect(GoDuration.format(seconds: 60) == "1m0s")
        #expect(GoDuration.format(seconds: 2_592_000) == "720h0m0s")
    }
}
