import ArgumentParser
import CofferEncoding
import CofferMountKit

/// `coffer status`: seal state; exit code 2 while sealed, as Vault's CLI does.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Print the seal status.")

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        // Any failure to learn the status is exit 1; 2 means "sealed" (Vault's CLI).
        let answer: APIClient.Answer
        do {
            answer = try await client.send("GET", "sys/seal-status")
        } catch let error as CLIError {
            throw CLIError("Error checking seal status: \(error.description)", exitCode: 1)
        }
        guard answer.status == 200, let status = answer.body else {
            var error = CLIError.api("Error checking seal status", method: "GET", url: client.url("sys/seal-status"), answer: answer)
            error.exitCode = 1
            throw error
        }
        // Vault's CLI adds the HA state from sys/leader once unsealed.
        var leader: JSONValue = .null
        if status["sealed"] == false, let answer = try? await client.send("GET", "sys/leader"), answer.status == 200 {
            leader = answer.body ?? .null
        }
        let haEnabled = leader["ha_enabled"] ?? false
        var shown = status.objectValue ?? [:]
        shown["ha_enabled"] = haEnabled
        if haEnabled == true {
            for key in ["is_self", "active_time", "leader_address", "leader_cluster_address"] { shown[key] = leader[key] ?? .null }
        }
        if let text = OutputFormat.structured(.object(shown), OutputFormat.resolve(output.format)) {
            print(text)
        } else {
            var rows = SealStatusTable.rows(status)
            if let name = status["cluster_name"] { rows.append(("Cluster Name", OutputFormat.cell(name))) }
            if let id = status["cluster_id"] { rows.append(("Cluster ID", OutputFormat.cell(id))) }
            rows.append(("HA Enabled", OutputFormat.cell(haEnabled)))
            if haEnabled == true {
                rows.append(("HA Cluster", OutputFormat.cell(leader["leader_cluster_address"] ?? "n/a")))
                rows.append(("HA Mode", leader["is_self"] == true ? "active" : "standby"))
            }
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
