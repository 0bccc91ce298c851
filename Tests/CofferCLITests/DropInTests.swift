import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferCLI

@Suite struct DropInTests {
    @Test("global client flags come out of the arguments, override the environment, and stop at --")
    func globalFlags() {
        let (flags, rest) = GlobalFlags.extract([
            "kv", "get", "-address=http://127.0.0.1:1", "-ns", "team", "-tls-skip-verify", "-output-curl-string",
            "-field=a", "secret/x",
        ])
        #expect(rest == ["kv", "get", "-field=a", "secret/x"])
        #expect(flags.address == "http://127.0.0.1:1" && flags.namespace == "team")
        #expect(flags.skipVerify == true && flags.outputCurlString)
        let settings = ClientSettings.fromEnvironment(["VAULT_ADDR": "http://env", "VAULT_TOKEN": "t"], flags: flags)
        #expect(settings.address == "http://127.0.0.1:1" && settings.namespace == "team/")

        let (runFlags, runRest) = GlobalFlags.extract(["run", "--env", "A=s/x#y", "--", "tool", "-address=keep"])
        #expect(runFlags == GlobalFlags())
        #expect(runRest == ["run", "--env", "A=s/x#y", "--", "tool", "-address=keep"])
        #expect(GlobalFlags.extract(["server", "-address=x"]).1 == ["server", "-address=x"])
    }

    @Test("VAULT_ and BAO_ names both work; COFFER_ then VAULT_ then BAO_ win in that order")
    func environmentNames() {
        let bao = ClientSettings.fromEnvironment(
            [
                "BAO_ADDR": "http://bao", "BAO_TOKEN": "b", "BAO_CACERT": "/ca.pem", "BAO_NAMESPACE": "ns1",
                "BAO_MAX_RETRIES": "0", "BAO_SKIP_VERIFY": "true", "BAO_WRAP_TTL": "5m", "BAO_CLIENT_CERT": "/c", "BAO_CLIENT_KEY": "/k",
                "BAO_CAPATH": "/cas",
            ], flags: GlobalFlags())
        #expect(bao.address == "http://bao" && bao.token == "b" && bao.caCertFile == "/ca.pem" && bao.namespace == "ns1/")
        #expect(bao.maxRetries == 0 && bao.skipVerify && bao.wrapTTL == "5m" && bao.clientCertFile == "/c" && bao.clientKeyFile == "/k")
        #expect(bao.caPath == "/cas")
        let both = ClientSettings.fromEnvironment(["BAO_ADDR": "http://bao", "VAULT_ADDR": "http://vault"], flags: GlobalFlags())
        #expect(both.address == "http://vault" && both.maxRetries == 2)
    }

    @Test("412 and 5xx but 501 are retried, with backoff growing per attempt")
    func retries() {
        #expect(RetryPolicy.shouldRetry(status: 412) && RetryPolicy.shouldRetry(status: 500) && RetryPolicy.shouldRetry(status: 503))
        #expect(!RetryPolicy.shouldRetry(status: 501) && !RetryPolicy.shouldRetry(status: 403) && !RetryPolicy.shouldRetry(status: 200))
        #expect(RetryPolicy.backoff(attempt: 1) >= .milliseconds(1000) && RetryPolicy.backoff(attempt: 1) <= .milliseconds(1500))
        #expect(RetryPolicy.backoff(attempt: 2) >= .milliseconds(2000))
    }

    @Test("-format=yaml prints keys sorted, lists under their key, ambiguous strings quoted")
    func yaml() {
        let value: JSONValue = ["b": ["x": 1, "empty": [:]], "a": ["p", "q"], "s": "true", "m": .null, "t": "plain text"]
        #expect(
            YAMLWriter.render(value) == """
                a:
                - p
                - q
                b:
                  empty: {}
                  x: 1
                m: null
                s: "true"
                t: plain text
                """)
        #expect(YAMLWriter.render(["l": [["k": "v", "w": 2]]]) == "l:\n- k: v\n  w: 2")
    }

    @Test("durations print as Vault's humanDuration")
    func humanDuration() {
        #expect(HumanDuration.format(seconds: 2_764_800) == "768h")
        #expect(HumanDuration.format(seconds: 900) == "15m")
        #expect(HumanDuration.format(seconds: 5400) == "1h30m")
        #expect(HumanDuration.format(seconds: 61) == "1m1s")
    }

    @Test("--env NAME=path#field parses; bad names and shapes are refused")
    func secretReferences() throws {
        #expect(
            try SecretReference.parse("DB_PASSWORD=secret/ci/db#password")
                == SecretReference(variable: "DB_PASSWORD", path: "secret/ci/db", field: "password"))
        for bad in ["NOEQUALS", "1X=secret/a#b", "A-B=secret/a#b", "X=secret/a", "X=#f", "X=secret/a#"] {
            #expect(throws: SecretReference.Invalid.self) { try SecretReference.parse(bad) }
        }
    }

    @Test("a child's exit code and death by signal come back as a shell reports them")
    func childOutcome() throws {
        let env = ["PATH": "/usr/bin:/bin"]
        #expect(try ChildProcess(arguments: ["sh", "-c", "exit 7"], environment: env).run() == .exited(7))
        let killed = try ChildProcess(arguments: ["sh", "-c", "kill -TERM $$"], environment: env).run()
        #expect(killed == .signaled(15) && killed.shellStatus == 143)
        #expect(throws: ChildProcess.SpawnFailure.self) { try ChildProcess(arguments: ["/nonexistent/tool"], environment: env).run() }
    }

    @Test("the child gets exactly the environment it is given")
    func childEnvironment() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let outcome = try ChildProcess(
            arguments: ["sh", "-c", "printf %s \"$ONLY_HERE\" > \"$OUT\""],
            environment: ["PATH": "/usr/bin:/bin", "ONLY_HERE": "v", "OUT": out.path]
        ).run()
        #expect(outcome == .exited(0))
        #expect(try String(contentsOf: out, encoding: .utf8) == "v")
        #expect(ProcessInfo.processInfo.environment["ONLY_HERE"] == nil)
    }

    @Test("-output-curl-string shows the token as $(vault print token), never its value")
    func curlString() {
        var settings = ClientSettings(address: "http://127.0.0.1:8200")
        settings.token = "s.secret"
        settings.namespace = "team"
        let request = APIClientTestHook.request(settings, "PUT", "auth/token/renew-self", body: ["increment": 3600])
        let text = CurlString.render(request, body: ["increment": 3600], program: "vault")
        #expect(text.contains("-X PUT") && text.contains("$(vault print token)") && !text.contains("s.secret"))
        #expect(text.contains("-H \"X-Vault-Namespace: team\"") && text.contains("-d '{\"increment\":3600}'"))
        #expect(text.hasSuffix("\"http://127.0.0.1:8200/v1/auth/token/renew-self\""))
    }
}
