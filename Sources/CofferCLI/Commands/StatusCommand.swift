import ArgumentParser
import CofferMountKit

/// `coffer status`: seal state; exit code 2 while sealed, as Vault's CLI does.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Print the seal status.")

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let answer = try await client.send("GET", "sys/seal-status", authenticated: false)
        guard answer.status == 200, let status = answer.body else {
            throw CLIError.api("Error checking seal status", method: "GET", url: client.url("sys/seal-status"), answer: answer)
        }
        if OutputFormat.resolve(output.format) == .json {
            print(OutputFormat.json(status))
        } else {
            var rows = SealStatusTable.rows(status)
            if let name = status["cluster_name"] { rows.append(("Cluster Name", OutputFormat.cell(name))) }
            if let id = status["cluster_id"] { rows.append(("Cluster ID", OutputFormat.cell(id))) }
            rows.append(("HA Enabled", "false"))
            print(OutputFormat.table(rows))
        }
        if status["sealed"] != false { throw ExitCode(2) }
    }
}

/// The seal-status rows `status` and `operator unseal` both print.
enum SealStatusTable {
    static func rows(_ status: JSONValue) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("Seal Type", OutputFormat.cell(status["type"] ?? "shamir")),
            ("Initialized", OutputFormat.cell(status["initialized"] ?? false)),
            ("Sealed", OutputFormat.cell(status["sealed"] ?? true)),
            ("Total Shares", OutputFormat.cell(status["n"] ?? 0)),
            ("Threshold", OutputFormat.cell(status["t"] ?? 0)),
        ]
        if status["sealed"] == true {
            rows.append(("Unseal Progress", "\(OutputFormat.cell(status["progress"] ?? 0))/\(OutputFormat.cell(status["t"] ?? 0))"))
            rows.append(("Unseal Nonce", OutputFormat.cell(status["nonce"] ?? "")))
        }
        rows.append(("Version", OutputFormat.cell(status["version"] ?? "")))
        rows.append(("Storage Type", OutputFormat.cell(status["storage_type"] ?? "")))
        return rows
    }
}
