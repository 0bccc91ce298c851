import ArgumentParser
import CofferRadar
import Foundation

/// `coffer radar migrate CONFIG`: for each secret hardcoded in a CircleCI config, the Coffer
/// path it moves to, the `kv put` that copies it there (reading the value from the config at
/// run time, never printing it) and the config patch that makes the job read it back
/// through its OIDC login. Nothing is changed: a person reviews and runs both.
struct RadarMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Plan the move of a CircleCI config's hardcoded secrets into Coffer.",
        discussion: """
            Writes kv-put.sh and config.patch into --out-dir (or prints both). Run the script from the
            repository root with VAULT_ADDR and VAULT_TOKEN set, then apply the patch (git apply).
            """
    )

    @Argument(help: "The CircleCI config, as the repository names it (.circleci/config.yml).") var config = ".circleci/config.yml"
    @Option(help: "The CircleCI project name used in Coffer paths.") var project = "project"
    @Option(help: "Coffer path for each secret, with <project> and <NAME>.") var pathTemplate = "secret/data/circleci/<project>/<NAME>"
    @Option(help: "The JWT auth role the job logs in with (default circleci-<project>).") var role: String?
    @Option(help: "The JWT auth mount.") var authMount = "jwt"
    @Option(help: "The key inside each secret that holds the value.") var field = "value"
    @Option(help: "The CLI the script and the job call: bao, vault or coffer.") var cli = "bao"
    @Option(help: "Write kv-put.sh and config.patch here instead of printing them.") var outDir: String?

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: config) else {
            FileHandle.standardError.write(Data("error: cannot read \(config)\n".utf8))
            throw ExitCode(ExitStatus.usage)
        }
        let text = String(decoding: data, as: UTF8.self)
        var options = RadarScanOptions(hashKey: .random())
        options.project = project
        options.pathTemplate = pathTemplate
        let scanner: RadarScanner
        do {
            scanner = try RadarScanner(options: options)
        } catch let error as RadarError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(ExitStatus.code(for: error))
        }
        let report = scanner.scan(.circleCIConfig([config]))
        var planner = MigrationPlanner(role: role ?? "circleci-\(project)")
        planner.authMount = authMount
        planner.field = field
        planner.cli = cli
        let plan = planner.plan(configPath: config, text: text, findings: report.findings)
        try write(plan)
        for note in plan.notes + report.errors { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
    }

    private func write(_ plan: MigrationPlan) throws {
        var summary = "\(plan.items.count) secret(s) to move:\n"
        for item in plan.items {
            summary += "  \(item.name)  \(item.yamlPath) (line \(item.line)) -> \(item.mount)/\(item.path) field \(field)\n"
        }
        // The applicable patch removes the config's lines, secrets included: it goes to a
        // private file only. What is printed is the same diff with every secret masked.
        guard let outDir else {
            print(
                summary + "\n# kv-put.sh\n" + plan.script + "\n# config change (secrets masked; --out-dir writes the applicable patch)\n"
                    + plan.reviewPatch, terminator: "")
            return
        }
        let manager = FileManager.default
        try manager.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: outDir).appendingPathComponent("kv-put.sh")
        let patch = URL(fileURLWithPath: outDir).appendingPathComponent("config.patch")
        guard manager.createFile(atPath: patch.path, contents: Data(plan.patch.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("cannot write \(patch.path)")
        }
        try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: patch.path)
        try Data(plan.script.utf8).write(to: script)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        print(summary + "Wrote \(script.path) and \(patch.path) (readable by you only: it removes the secrets' lines)")
    }
}
