import CofferCore
import CofferEncoding
import CofferMountKit
import CofferMounts
import CofferStorage
import Crypto
import Foundation
import HTTPTypes
import NIOCore
import Testing
import X509

@testable import CofferServer

/// Two nodes of one HA cluster in this process: two cores on one storage,
/// competing for one lock, each behind its own production listener. The lock
/// here is the in-process one (`MemoryHALock`); the same loop on PostgreSQL's
/// lock, with fencing, is tested end to end (tests/e2e/test_ha_postgresql.py).
@Suite(.serialized) struct HAClusterTests {
    /// Fast beats so that a handover (step-down, seal: the lock is released)
    /// takes a fraction of a second; a TTL long enough that a test run among
    /// many others on a loaded machine never loses the lock by starvation.
    static var timings: HATimings {
        var timings = HATimings()
        timings.lockTTL = .seconds(5)
        timings.renewInterval = .milliseconds(100)
        timings.acquireInterval = .milliseconds(50)
        timings.stepDownCooldown = .milliseconds(400)
        timings.drainBound = .seconds(2)
        return timings
    }

    struct Node {
        let core: Core
        var ha: HACoordinator { core.ha! }
    }

    static func cluster(_ count: Int) -> [Node] {
        let storage = MemoryStorage()
        let table = MemoryHALock.Table()
        return (0..<count).map { index in
            let lock = MemoryHALock(table: table, identity: "node-\(index)", ttl: timings.lockTTL)
            let ha = HACoordinator(
                lock: lock, advertisement: LeaderAdvertisement(apiAddress: "", clusterAddress: ""), timings: timings, clock: Date.init)
            return Node(core: Core(physical: storage, mountFactories: BuiltinMounts.factories, ha: ha))
        }
    }

    /// Runs `test` with both nodes listening, each advertising its own address.
    func withTwoNodes(_ test: @escaping @Sendable (APITestClient, APITestClient, [Node]) async throws -> Void) async throws {
        let nodes = Self.cluster(2)
        try await withAPI(nodes[0].core) { a in
            nodes[0].ha.advertise(LeaderAdvertisement(apiAddress: "http://127.0.0.1:\(a.port)", clusterAddress: "https://a:8201"))
            try await withAPI(nodes[1].core) { b in
                nodes[1].ha.advertise(LeaderAdvertisement(apiAddress: "http://127.0.0.1:\(b.port)", clusterAddress: "https://b:8201"))
                try await test(a, b, nodes)
            }
        }
    }

    /// Polls until `condition` holds, for at most `seconds`.
    static func eventually(_ seconds: Double = 5, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return false
    }

    static func isActive(_ node: Node) -> Bool {
        if case .active = node.ha.state { return true }
        return false
    }

    /// Init through one node, then unseal both; returns the root token.
    static func initAndUnseal(_ a: APITestClient, _ b: APITestClient) async throws -> String {
        try await initAndUnsealKeepingKey(a, b).root
    }

    /// The same, and the one unseal key share.
    static func initAndUnsealKeepingKey(_ a: APITestClient, _ b: APITestClient) async throws -> (root: String, key: String) {
        let answer = try await a.execute(uri: "/v1/sys/init", method: .put, body: jsonBody(["secret_shares": 1, "secret_threshold": 1]))
        let key = try #require(answer.json?["keys"]?.arrayValue?.first?.stringValue)
        let root = try #require(answer.json?["root_token"]?.stringValue)
        for node in [a, b] {
            let unsealed = try await node.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": .string(key)]))
            #expect(unsealed.json?["sealed"] == false)
        }
        // Through whichever node: a standby forwards it.
        let mounted = try await b.execute(
            uri: "/v1/sys/mounts/secret", method: .post, headers: token(root), body: jsonBody(["type": "kv", "options": ["version": "2"]]))
        #expect(mounted.status == .noContent)
        return (root, key)
    }

    static func token(_ root: String) -> HTTPFields { [HTTPField.Name("X-Vault-Token")!: root] }

    @Test("one node leads, the other forwards to it, answers 307 when asked not to forward, and reports itself a standby")
    func standbyForwards() async throws {
        try await withTwoNodes { a, b, nodes in
            let root = try await Self.initAndUnseal(a, b)
            #expect(try await Self.eventually { nodes.contains(where: Self.isActive) })
            let (active, standby) = Self.isActive(nodes[0]) ? (a, b) : (b, a)

            #expect(try await active.execute(uri: "/v1/sys/health", method: .get).status.code == 200)
            #expect(try await standby.execute(uri: "/v1/sys/health", method: .get).status.code == 429)
            #expect(try await standby.execute(uri: "/v1/sys/health?standbyok=true", method: .get).status.code == 200)
            let leader = try await standby.execute(uri: "/v1/sys/leader", method: .get).json
            #expect(leader?["ha_enabled"] == true)
            #expect(leader?["is_self"] == false)
            #expect(leader?["leader_address"]?.stringValue == "http://127.0.0.1:\(active.port)")
            #expect(try await active.execute(uri: "/v1/sys/leader", method: .get).json?["is_self"] == true)

            // Written through the standby, read back through either node.
            let write = try await standby.execute(
                uri: "/v1/secret/data/app", method: .put, headers: Self.token(root), body: jsonBody(["data": ["password": "s3"]]))
            #expect(write.status == .ok)
            for node in [active, standby] {
                let read = try await node.execute(uri: "/v1/secret/data/app", method: .get, headers: Self.token(root))
                #expect(read.json?["data"]?["data"]?["password"] == "s3")
            }
            // The standby answers with the active node's own refusal, unchanged.
            let denied = try await standby.execute(uri: "/v1/secret/data/app", method: .get, headers: Self.token("s.unknown"))
            #expect(denied.status == .forbidden)
            #expect(denied.errors == ["permission denied"])

            var noForwarding = Self.token(root)
            noForwarding[HTTPField.Name("X-Vault-No-Request-Forwarding")!] = "true"
            let redirect = try await standby.execute(uri: "/v1/secret/data/app?version=1", method: .get, headers: noForwarding)
            #expect(redirect.status == .temporaryRedirect)
            #expect(redirect.headers[.location] == "http://127.0.0.1:\(active.port)/v1/secret/data/app?version=1")

            let seal = try await standby.execute(uri: "/v1/sys/seal", method: .put, headers: Self.token(root))
            #expect(seal.status == .badRequest)
            #expect(seal.errors == ["vault cannot seal when in standby mode; please restart instead"])
        }
    }

    @Test("step-down through the standby hands the lead over; a sealed leader hands it back; nothing written is lost")
    func stepDownAndSeal() async throws {
        try await withTwoNodes { a, b, nodes in
            let root = try await Self.initAndUnseal(a, b)
            #expect(try await Self.eventually { nodes.contains(where: Self.isActive) })
            let firstIndex = Self.isActive(nodes[0]) ? 0 : 1
            let clients = [a, b]
            let (first, second) = (clients[firstIndex], clients[1 - firstIndex])

            let write = try await second.execute(
                uri: "/v1/secret/data/kept", method: .put, headers: Self.token(root), body: jsonBody(["data": ["v": "1"]]))
            #expect(write.status == .ok)
            let stepDown = try await second.execute(uri: "/v1/sys/step-down", method: .put, headers: Self.token(root))
            #expect(stepDown.status == .noContent)
            #expect(try await Self.eventually { Self.isActive(nodes[1 - firstIndex]) && !Self.isActive(nodes[firstIndex]) })
            // The old leader follows the new one within a refresh.
            #expect(
                try await Self.eventually {
                    try await first.execute(uri: "/v1/sys/leader", method: .get).json?["leader_address"]?.stringValue
                        == "http://127.0.0.1:\(second.port)"
                })
            let read = try await first.execute(uri: "/v1/secret/data/kept", method: .get, headers: Self.token(root))
            #expect(read.json?["data"]?["data"]?["v"] == "1")

            // A token made on the second leader works on the first after the next takeover.
            let created = try await first.execute(
                uri: "/v1/auth/token/create", method: .post, headers: Self.token(root), body: jsonBody(["policies": ["default"]]))
            let child = try #require(created.json?["auth"]?["client_token"]?.stringValue)
            #expect(try await second.execute(uri: "/v1/sys/seal", method: .put, headers: Self.token(root)).status == .noContent)
            #expect(try await Self.eventually { Self.isActive(nodes[firstIndex]) })
            let lookup = try await first.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: Self.token(child))
            #expect(lookup.status == .ok)
            #expect(try await second.execute(uri: "/v1/sys/health", method: .get).status.code == 503)
        }
    }

    @Test(
        "a root key rotated on the active node: forwarding still works, the standby takes over with the key it was unsealed with, and the new shares count"
    )
    func rootKeyRotation() async throws {
        try await withTwoNodes { a, b, nodes in
            let (root, unsealKey) = try await Self.initAndUnsealKeepingKey(a, b)
            #expect(try await Self.eventually { nodes.contains(where: Self.isActive) })
            let firstIndex = Self.isActive(nodes[0]) ? 0 : 1
            let (first, second) = ([a, b][firstIndex], [a, b][1 - firstIndex])

            // Through the standby, as an operator on any node would.
            let started = try await second.execute(
                uri: "/v1/sys/rotate/root/init", method: .put, headers: Self.token(root),
                body: jsonBody(["secret_shares": 2, "secret_threshold": 2]))
            let nonce = try #require(started.json?["data"]?["nonce"]?.stringValue)
            let done = try await second.execute(
                uri: "/v1/sys/rotate/root/update", method: .put, headers: Self.token(root),
                body: jsonBody(["key": .string(unsealKey), "nonce": .string(nonce)]))
            let newKeys = (done.json?["data"]?["keys"]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(newKeys.count == 2)

            // The standby still forwards, signed with a key both nodes still share.
            let write = try await second.execute(
                uri: "/v1/secret/data/after-rotation", method: .put, headers: Self.token(root), body: jsonBody(["data": ["v": "2"]]))
            #expect(write.status == .ok)

            // The standby, unsealed with the old key, takes over and reads everything.
            #expect(try await first.execute(uri: "/v1/sys/step-down", method: .put, headers: Self.token(root)).status == .noContent)
            #expect(try await Self.eventually { Self.isActive(nodes[1 - firstIndex]) })
            let read = try await second.execute(uri: "/v1/secret/data/after-rotation", method: .get, headers: Self.token(root))
            #expect(read.json?["data"]?["data"]?["v"] == "2")
            let status = try await second.execute(uri: "/v1/sys/seal-status", method: .get).json
            #expect(status?["t"] == 2)
            #expect(status?["n"] == 2)

            // Sealed, the new leader opens with the new shares only.
            #expect(try await second.execute(uri: "/v1/sys/seal", method: .put, headers: Self.token(root)).status == .noContent)
            let old = try await second.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": .string(unsealKey)]))
            #expect(old.json?["sealed"] == true)
            let wrong = try await second.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": .string(newKeys[0])]))
            #expect(wrong.status == .badRequest)
            for key in newKeys {
                _ = try await second.execute(uri: "/v1/sys/unseal", method: .put, body: jsonBody(["key": .string(key)]))
            }
            #expect(try await second.execute(uri: "/v1/sys/seal-status", method: .get).json?["sealed"] == false)
        }
    }

    /// A self-signed leaf good for client authentication, as a runner would show.
    static func runnerCertificate(_ name: String) throws -> (der: [UInt8], pem: String) {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(name) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: Date() - 60, notValidAfter: Date() + 3600, issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) },
            issuerPrivateKey: .init(key))
        let pem = try certificate.serializeAsPEM()
        return (pem.derBytes, pem.pemString)
    }

    @Test("a standby passes the client's certificate on, signed: the active node logs the runner in with it, and ignores a swapped one")
    func forwardedClientCertificate() async throws {
        try await withTwoNodes { a, b, nodes in
            let root = try await Self.initAndUnseal(a, b)
            #expect(try await Self.eventually { nodes.contains(where: Self.isActive) })
            let activeIndex = Self.isActive(nodes[0]) ? 0 : 1
            let active = [a, b][activeIndex]
            let standbyCore = nodes[1 - activeIndex].core
            let runner = try Self.runnerCertificate("runner.example.com")
            let stranger = try Self.runnerCertificate("stranger.example.com")
            #expect(
                try await active.execute(
                    uri: "/v1/sys/auth/cert", method: .post, headers: Self.token(root), body: jsonBody(["type": "cert"])
                ).status == .noContent)
            let role = try await active.execute(
                uri: "/v1/auth/cert/certs/runner", method: .post, headers: Self.token(root),
                body: jsonBody(["certificate": .string(runner.pem), "token_policies": ["default"]]))
            #expect(role.status == .noContent)

            // The headers the standby sends for a client that showed the runner's certificate.
            let request = APIRequest(method: "PUT", target: "/v1/auth/cert/login") { _ in nil }
            let shown = try #require(PeerCertificates(der: [runner.der], isForwarded: false))
            let sent = StandbyForwarder.forwardingHeaders(request, clientAddress: "10.9.8.7", certificates: shown, core: standbyCore)
            #expect(sent.map(\.0) == [ForwardedClient.header, ForwardedClient.chainHeader])
            var headers: HTTPFields = [:]
            for (name, value) in sent { headers[HTTPField.Name(name)!] = value }
            let login = try await active.execute(uri: "/v1/auth/cert/login", method: .put, headers: headers, body: jsonBody([:]))
            #expect(login.status == .ok)
            #expect(login.json?["auth"]?["metadata"]?["common_name"] == "runner.example.com")

            // Another certificate in place of the signed one: the stamp fails, no certificate counts.
            let swapped = try #require(PeerCertificates(der: [stranger.der], isForwarded: false))
            headers[HTTPField.Name(ForwardedClient.chainHeader)!] = ForwardedClient.encode(swapped)
            let refused = try await active.execute(uri: "/v1/auth/cert/login", method: .put, headers: headers, body: jsonBody([:]))
            #expect(refused.status == .badRequest)
            #expect(refused.json?["auth"] == nil)
        }
    }

    @Test("the active node believes a forwarded client address only when a node of the cluster signed it")
    func forwardedClientAddress() async throws {
        try await withTwoNodes { a, b, nodes in
            let root = try await Self.initAndUnseal(a, b)
            #expect(try await Self.eventually { nodes.contains(where: Self.isActive) })
            let activeIndex = Self.isActive(nodes[0]) ? 0 : 1
            let active = [a, b][activeIndex]
            // An AppRole whose tokens may be used from 10.0.0.0/8 only.
            let enabled = try await active.execute(
                uri: "/v1/sys/auth/approle", method: .post, headers: Self.token(root), body: jsonBody(["type": "approle"]))
            #expect(enabled.status == .noContent)
            let role = try await active.execute(
                uri: "/v1/auth/approle/role/ci", method: .post, headers: Self.token(root),
                body: jsonBody(["token_bound_cidrs": ["10.0.0.0/8"], "token_policies": ["default"]]))
            #expect(role.status == .noContent)
            let roleID = try await active.execute(uri: "/v1/auth/approle/role/ci/role-id", method: .get, headers: Self.token(root))
            let secretID = try await active.execute(uri: "/v1/auth/approle/role/ci/secret-id", method: .post, headers: Self.token(root))
            let key = try #require(nodes[activeIndex].core.forwardingKey())
            var stamped: HTTPFields = [:]
            stamped[HTTPField.Name(ForwardedClient.header)!] = ForwardedClient.stamp(
                client: "10.1.2.3", method: "POST", target: "/v1/auth/approle/login", key: key, now: Date())
            let login = try await active.execute(
                uri: "/v1/auth/approle/login", method: .post, headers: stamped,
                body: jsonBody([
                    "role_id": roleID.json?["data"]?["role_id"] ?? nil, "secret_id": secretID.json?["data"]?["secret_id"] ?? nil,
                ]))
            let bound = try #require(login.json?["auth"]?["client_token"]?.stringValue)

            func lookup(stamp: String?) async throws -> HTTPResponse.Status {
                var headers = Self.token(bound)
                if let stamp { headers[HTTPField.Name(ForwardedClient.header)!] = stamp }
                return try await active.execute(uri: "/v1/auth/token/lookup-self", method: .get, headers: headers).status
            }
            // From 127.0.0.1 the token is refused; a forged claim to come from 10.1.2.3 changes nothing.
            #expect(try await lookup(stamp: nil) == .forbidden)
            let forged = ForwardedClient.stamp(
                client: "10.1.2.3", method: "GET", target: "/v1/auth/token/lookup-self", key: .init(size: .bits256), now: Date())
            #expect(try await lookup(stamp: forged) == .forbidden)
            // Signed with the cluster's key, as a standby signs it: believed.
            let signed = ForwardedClient.stamp(
                client: "10.1.2.3", method: "GET", target: "/v1/auth/token/lookup-self", key: key, now: Date())
            #expect(try await lookup(stamp: signed) == .ok)
            // The same stamp for another path, or too old, is not.
            let elsewhere = ForwardedClient.stamp(client: "10.1.2.3", method: "GET", target: "/v1/sys/mounts", key: key, now: Date())
            #expect(try await lookup(stamp: elsewhere) == .forbidden)
            let stale = ForwardedClient.stamp(
                client: "10.1.2.3", method: "GET", target: "/v1/auth/token/lookup-self", key: key, now: Date().addingTimeInterval(-120))
            #expect(try await lookup(stamp: stale) == .forbidden)
        }
    }
}
