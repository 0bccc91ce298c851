@testable import CofferServer
import Testing

/// The byte-level LIST rewriter must keep HTTP framing intact across reads.
@Suite struct ListVerbRewriterTests {
    func run(_ chunks: [String]) -> String {
        var framing = ListVerbFraming()
        return chunks.map { String(decoding: framing.process(Array($0.utf8)), as: UTF8.self) }.joined()
    }

    @Test("LIST becomes GET with list=true, keeping the query")
    func rewritesList() {
        #expect(run(["LIST /v1/secret/metadata/ci HTTP/1.1\r\nHost: x\r\n\r\n"]) == "GET /v1/secret/metadata/ci?list=true HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(run(["LIST /v1/a?after=b HTTP/1.1\r\n\r\n"]) == "GET /v1/a?list=true&after=b HTTP/1.1\r\n\r\n")
    }

    @Test("a body that looks like a request line is not touched; the next request is")
    func respectsBodies() {
        let body = "LIST /nope HTTP/1.1\r\n"
        let input = "POST /v1/x HTTP/1.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)LIST /v1/y HTTP/1.1\r\n\r\n"
        #expect(run([input]) == "POST /v1/x HTTP/1.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)GET /v1/y?list=true HTTP/1.1\r\n\r\n")
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
        let chunks = ["POST /v1/x HTTP/1.1\r\nconTent-Len", "gth:  \(body.utf8.count) \r\n", "\r", "\n", String(body.prefix(5)), String(body.dropFirst(5)) + "LIST /v1/y HTTP/1.1\r\n\r\n"]
        #expect(run(chunks) == "POST /v1/x HTTP/1.1\r\nconTent-Length:  \(body.utf8.count) \r\n\r\n\(body)GET /v1/y?list=true HTTP/1.1\r\n\r\n")
    }

    @Test("a request line held back across reads is passed on whole even when unchanged")
    func heldUnchangedLine() {
        var framing = ListVerbFraming()
        #expect(framing.process(Array("GE".utf8)).isEmpty)
        #expect(String(decoding: framing.process(Array("T /v1/x HTTP/1.1\r\n\r\n".utf8)), as: UTF8.self) == "GET /v1/x HTTP/1.1\r\n\r\n")
    }
}
