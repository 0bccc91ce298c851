import ArgumentParser
import CofferCIOIDC
import CofferEncoding
import CofferMountKit
import CofferServer
import Foundation
import Logging
import NIOSSL

/// `coffer ci-oidc serve|token|rotate`: a CircleCI-compatible OIDC issuer for local
/// runs, tests and trying a role before touching CircleCI (spec/circleci-oidc.md §9).
struct CIOIDCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ci-oidc", abstract: "A CircleCI-compatible OIDC issuer.",
        subcommands: [Serve.self, Token.self, Rotate.self]
    )

    static var defaultKeyDirectory: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.coffer/ci-oidc"
    }

    static func checkOrgID(_ id: String) throws {
        guard CircleCIJob.isValidID(id) else {
            throw ValidationError(
                "--org-id \"\(id)\" is not a CircleCI organization id (a lower-case UUID such as 1b2c3d4e-0000-4000-8000-0000000000a1)")
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve discovery documents and JWKS.")

        @Option(name: .customLong("org-id"), help: "An organization to serve; repeat for several.") var orgIDs: [String] = []
        @Option(name: .customLong("listen")) var listen = "127.0.0.1:8443"
        @Option(name: .customLong("tls-cert")) var tlsCert: String?
        @Option(name: .customLong("tls-key")) var tlsKey: String?
        @Option(name: .customLong("self-signed-ca-out"), help: "Make a CA and a certificate for the listen host; write the CA here.")
        var caOut: String?
        @Option(name: .customLong("key-dir")) var keyDir: String?
        @Option(name: .customLong("issuer-base"), help: "Defaults to the scheme and listen address.") var issuerBase: String?
        @Flag(name: .customLong("root-issuer"), help: "Also serve the root issuer's documents.") var rootIssuer = false

        func validate() throws {
            guard !orgIDs.isEmpty else { throw ValidationError("give at least one --org-id") }
            for id in orgIDs { try CIOIDCCommand.checkOrgID(id) }
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
            if tlsCert != nil, caOut != nil { throw ValidationError("use --tls-cert/--tls-key or --self-signed-ca-out, not both") }
        }

        func run() async throws {
            let (host, port) = try ServerConfig.Listener.hostAndPort(listen)
            let keyDirectory = keyDir ?? CIOIDCCommand.defaultKeyDirectory
            _ = try SigningKeyStore.open(keyDirectory)
            var tls: TLSConfiguration?
            if let tlsCert, let tlsKey {
                tls = try TLSSettings.server(certFile: tlsCert, keyFile: tlsKey)
            } else if let caOut {
                let ca = try SelfSignedCA.make(hosts: Array(Set([host, "localhost", "127.0.0.1"])).sorted())
                try Data(ca.caPEM.utf8).write(to: URL(fileURLWithPath: caOut))
                let certificate = try NIOSSLCertificate(bytes: Array(ca.serverCertificatePEM.utf8), format: .pem)
                let key = try NIOSSLPrivateKey(bytes: Array(ca.serverKeyPEM.utf8), format: .pem)
                tls = .makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
            }
            let base = issuerBase ?? "\(tls == nil ? "http" : "https")://\(listen)"
            for org in orgIDs {
                FileHandle.standardError.write(Data("issuer: \(TokenMinter.issuer(base: base, orgID: org, root: false))\n".utf8))
            }
            var logger = Logger(label: "coffer.ci-oidc")
            logger.logLevel = .warning
            try await IssuerServer(orgIDs: orgIDs, keyDirectory: keyDirectory, issuerBase: base, rootIssuer: rootIssuer)
                .run(host: host, port: port, tls: tls, logger: logger)
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one token, as `circleci run oidc get` does.")

        @Option(name: .customLong("org-id")) var orgID: String
        @Option(name: .customLong("project-id")) var projectID: String
        @Option(name: .customLong("context-id"), help: "Repeat for several contexts.") var contextIDs: [String] = []
        @Option(name: .customLong("vcs-origin"), help: "github.com/org/repo, or a URL.") var vcsOrigin: String?
        @Option(name: .customLong("vcs-ref")) var vcsRef: String?
        @Option(name: .customLong("user-id")) var userID: String?
        @Option(name: .customLong("pipeline-id")) var pipelineID: String?
        @Option(name: .customLong("workflow-id")) var workflowID: String?
        @Option(name: .customLong("job-id")) var jobID: String?
        @Flag(name: .customLong("v1")) var v1 = false
        @Flag(name: .customLong("v2")) var v2 = false
        @Option(name: .customLong("aud")) var audience: String?
        @Option(name: .customLong("claims"), help: "JSON; only \"aud\" may be set, as with CircleCI.") var claims: String?
        @Option(name: .customLong("ttl")) var ttl = "1h"
        @Flag(name: .customLong("ssh-rerun")) var sshRerun = false
        @Flag(name: .customLong("webhook"), help: "A custom-webhook pipeline: no VCS claims.") var webhook = false
        @Flag(name: .customLong("root-issuer")) var rootIssuer = false
        @Flag(name: .customLong("env"), help: "Print CIRCLE_OIDC_TOKEN and CIRCLE_OIDC_TOKEN_V2 lines.") var env = false
        @Option(name: .customLong("key-dir")) var keyDir: String?
        @Option(name: .customLong("issuer-base")) var issuerBase = TokenMinter.circleCIBase

        func validate() throws {
            try CIOIDCCommand.checkOrgID(orgID)
            for (name, value) in [("--project-id", projectID)] + contextIDs.map { ("--context-id", $0) } {
                guard CircleCIJob.isValidID(value) else { throw ValidationError("\(name) \"\(value)\" is not a lower-case UUID") }
            }
            if v1 && v2 { throw ValidationError("--v1 and --v2 exclude each other") }
            if audience != nil && claims != nil { throw ValidationError("--aud and --claims exclude each other") }
        }

        func run() async throws {
            guard let seconds = GoDuration.seconds(from: ttl), seconds > 0 else {
                throw ValidationError("--ttl \"\(ttl)\" is not a duration")
            }
            let aud = try audience ?? Self.audience(fromClaims: claims)
            let origin = webhook ? nil : Self.normalizedOrigin(vcsOrigin ?? "github.com/example-org/example-repo")
            let job = CircleCIJob(
                orgID: orgID, projectID: projectID, userID: userID, contextIDs: contextIDs,
                vcsOrigin: origin, vcsRef: webhook ? nil : (vcsRef ?? "refs/heads/main"), sshRerun: sshRerun,
                pipelineID: pipelineID, workflowID: workflowID, jobID: jobID
            )
            let minter = TokenMinter(keys: try SigningKeyStore.open(keyDir ?? CIOIDCCommand.defaultKeyDirectory))
            func mint(_ format: CircleCIClaims.SubjectFormat) async throws -> String {
                try await minter.mint(
                    job: job, issuerBase: issuerBase, rootIssuer: rootIssuer, audience: aud, subject: format, ttl: seconds)
            }
            if env {
                print("CIRCLE_OIDC_TOKEN=\(try await mint(.v1))")
                print("CIRCLE_OIDC_TOKEN_V2=\(try await mint(.v2))")
                print("CIRCLE_ORGANIZATION_ID=\(job.orgID)")
                print("CIRCLE_PROJECT_ID=\(job.projectID)")
                print("CIRCLE_PIPELINE_ID=\(job.pipelineID)")
                print("CIRCLE_WORKFLOW_ID=\(job.workflowID)")
                print("CIRCLE_WORKFLOW_JOB_ID=\(job.jobID)")
            } else {
                FileHandle.standardOutput.write(Data(try await mint(v1 ? .v1 : .v2).utf8))
            }
        }

        /// `--claims '{"aud": "vault"}'`; CircleCI lets a job set `aud` and nothing else.
        static func audience(fromClaims text: String?) throws -> String? {
            guard let text else { return nil }
            guard case .object(let members)? = try? JSONValue.parse(Data(text.utf8)) else {
                throw ValidationError("--claims is not a JSON object")
            }
            for key in members.keys where key != "aud" {
                throw ValidationError("--claims: \"\(key)\" cannot be set; only \"aud\" can")
            }
            guard let aud = members["aud"]?.stringValue else { throw ValidationError("--claims: \"aud\" must be a string") }
            return aud
        }

        /// `https://github.com/acme/app.git` becomes `github.com/acme/app`, the claim's form.
        static func normalizedOrigin(_ text: String) -> String {
            var origin = text
            for scheme in ["https://", "http://", "ssh://", "git@"] where origin.hasPrefix(scheme) {
                origin = String(origin.dropFirst(scheme.count))
            }
            origin = origin.replacingOccurrences(of: ":", with: "/")
            if origin.hasSuffix(".git") { origin = String(origin.dropLast(4)) }
            return origin
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a new signing key; the old one stays published until its tokens expire.")

        @Option(name: .customLong("key-dir")) var keyDir: String?

        func run() async throws {
            var store = try SigningKeyStore.open(keyDir ?? CIOIDCCommand.defaultKeyDirectory)
            try store.rotate()
            print("Success! New signing key \(store.current.kid.prefix(12))... is now current.")
        }
    }
}
