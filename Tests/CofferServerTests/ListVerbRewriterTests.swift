import Testing

@testable import CofferServer

/// The byte-level LIST rewriter must keep HTTP framing intact across reads.
@Suite struct ListVerbRewriterTests {
    func run(_ chunks: [String]) -> String {
        var framing = ListVerbFraming()
        return chunks.map { String(decoding: framing.process(Array($0.utf8)), as: UTF8.self) }.joined()
    }

    @Test("LIST becomes GET with list=true, keeping the query")
    func rewritesList() {
        #expect(
            run(["LIST /v1/secret/metadata/ci HTTP/1.1\r\nHost: x\r\n\r\n"])
                == "GET /v1/secret/metadata/ci?list=true HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(run(["LIST /v1/a?after=b HTTP/1.1\r\n\r\n"]) == "GET /v1/a?list=true&after=b HTTP/1.1\r\n\r\n")
    }

    @Test("a body that looks like a request line is not touched; the next request is")
    func respectsBodies() {
        let body = "LIST /nope HTTP/1.1\r\n"
        let input = "POST /v1/x HTTP/1.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)LIST /v1/y HTTP/1.1\r\n\r\n"
        #expect(
            run([input]) == "POST /v1/x HTTP/1.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)GET /v1/y?list=true HTTP/1.1\r\n\r\n")
    }

    @Test("a request line split across reads is still rewritten")
    func splitReads() {
        #expect(run(["LI", "ST /v1/z HT", "TP/1.1\r\n\r\n"]) == "GET /v1/z?list=true HTTP/1.1\r\n\r\n")
    }

    @Test("unknown methods become TRACE so the API answers 405; known ones pass")
    func unknownMethods() {
        #expect(run(["FOO /v1/x HTTP/1.1\r\n\r\n"]) == "TRACE /v1/x HTTP/1.1\r\n\r\n")
        #expect(run(["GET /v1/x HTTP/1.1\r\n\r\n"]) == "GET /v1/x HTTP/1.1\r\n\r\n")
    }

    @Test("framing survives headers and bodies split across reads")
    func splitHeadersAndBodies() {
        let body = "LIST /no HTTP/1.1\r\n"
        let chunks = [
            "POST /v1/x HTTP/1.1\r\nconTent-Len", "gth:  \(body.utf8.count) \r\n", "\r", "\n", String(body.prefix(5)),
            String(body.dropFirst(5)) + "LIST /v1/y HTTP/1.1\r\n\r\n",
        ]
        #expect(
            run(chunks) == "POST /v1/x HTTP/1.1\r\nconTent-Length:  \(body.utf8.count) \r\n\r\n\(body)GET /v1/y?list=true HTTP/1.1\r\n\r\n")
    }

    @Test("a request line held back across reads is passed on whole even when unchanged")
    func heldUnchangedLine() {
        var framing = ListVerbFraming()
        #expect(framing.process(Array("GE".utf8)).isEmpty)
        #expect(String(decoding: framing.process(Array("T /v1/x HTTP/1.1\r\n\r\n".utf8)), as: UTF8.self) == "GET /v1/x HTTP/1.1\r\n\r\n")
    }

    // MARK: Framing the parser agrees with (request smuggling)

    /// A request with `body` (which looks like a LIST request) under the
    /// `Content-Length` header line `header`, then a real LIST request: the body
    /// must pass unchanged and the next request must be rewritten.
    func expectBodyKept(contentLengthLine header: (Int) -> String, chunked: Bool = false) {
        let body = "LIST /v1/sys/mounts HTTP/1.1\r\nA: b\r\n\r\n"
        let head = "POST /v1/x HTTP/1.1\r\nHost: x\r\n\(header(body.utf8.count))\r\n\r\n"
        let next = "LIST /v1/y HTTP/1.1\r\n\r\n"
        let expected = head + body + "GET /v1/y?list=true HTTP/1.1\r\n\r\n"
        #expect(run([head + body + next]) == expected)
        // And the same bytes one at a time: no line is ever seen whole in one read.
        #expect(run((head + body + next).utf8.map { String(decoding: [$0], as: UTF8.self) }) == expected)
    }

    @Test("a Content-Length line padded past any prefix length still frames the body")
    func longContentLengthLine() {
        expectBodyKept { "Content-Length:" + String(repeating: " ", count: 100) + "\($0)" }
        expectBodyKept { "Content-Length:\t \t" + String(repeating: "\t", count: 70) + "\($0)" + String(repeating: " ", count: 70) }
    }

    @Test("a Content-Length value with many leading zeros still frames the body")
    func leadingZeros() {
        expectBodyKept { "Content-Length: " + String(repeating: "0", count: 90) + "\($0)" }
    }

    @Test("header names in any case frame the body")
    func oddCaseNames() {
        expectBodyKept { "CONTENT-LENGTH: \($0)" }
        expectBodyKept { "cOnTeNt-LeNgTh:\($0)" }
    }

    @Test("a Content-Length after a very long header line still frames the body")
    func afterLongHeader() {
        expectBodyKept { "X-Padding: " + String(repeating: "p", count: 5000) + "\r\nContent-Length: \($0)" }
    }

    @Test("framing in doubt stops all rewriting: nothing after it is taken for a request")
    func doubtfulFramingStopsRewriting() {
        for header in [
            "Transfer-Encoding: chunked",
            "transfer-ENCODING:" + String(repeating: " ", count: 80) + "chunked",
            "Content-Length: 5\r\nContent-Length: 5",  // llhttp refuses duplicates: no guessing which
            "Content-Length: +5",
            "Content-Length: 5x",
            "Content-Length:",
            "Content-Length: 99999999999999999999999999",
            "Content-Length : 5",  // space before the colon: not a name the parser takes
            "X-A: 1\r\n Content-Length: 5",  // a folded line
            "X-A: 1\rContent-Length: 5",  // a lone CR
        ] {
            let input = "POST /v1/x HTTP/1.1\r\n\(header)\r\n\r\nLIST /v1/y HTTP/1.1\r\n\r\n"
            #expect(run([input]) == input, "\(header)")
        }
    }

    @Test("requests without a body, and with Content-Length 0, are followed by the next")
    func noBody() {
        #expect(
            run(["GET /v1/a HTTP/1.1\r\nHost: x\r\n\r\nLIST /v1/b HTTP/1.1\r\n\r\n"])
                == "GET /v1/a HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/b?list=true HTTP/1.1\r\n\r\n")
        #expect(
            run(["POST /v1/a HTTP/1.1\r\nContent-Length: 0\r\n\r\nLIST /v1/b HTTP/1.1\n\n"])
                == "POST /v1/a HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET /v1/b?list=true HTTP/1.1\n\n")
    }
}
