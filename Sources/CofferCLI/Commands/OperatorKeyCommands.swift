import ArgumentParser
import CofferEncoding
import CofferMountKit
import Foundation

/// `operator step-down`: the active node gives up its lock.
struct StepDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "step-down", abstract: "Make the active node step down.")

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        _ = try await client.expect("Error stepping down", "PUT", "sys/step-down")
        print("Success! Stepped down: \(client.settings.address)")
    }
}

/// `operator rotate`: a new barrier key term (`sys/rotate/keyring`), then its status.
struct RotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rotate", abstract: "Rotate the barrier encryption key.")
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        _ = try await client.expect("Error rotating key", "POST", "sys/rotate/keyring")
        let status = try await client.expect("Error reading key status", "GET", "sys/key-status")
        let format = OutputFormat.resolve(output.format)
        if format == .table { print("Success! Rotated key\n") }
        KeyStatusCommand.show(status.body ?? .null, format: format)
    }
}

/// `operator key-status`: the barrier key's term, install time and use count.
struct KeyStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key-status", abstract: "Show the barrier key's status.")
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = APIClient(settings: .fromEnvironment())
        let status = try await client.expect("Error reading key status", "GET", "sys/key-status")
        Self.show(status.body ?? .null, format: OutputFormat.resolve(output.format))
    }

    static func show(_ body: JSONValue, format: OutputFormat) {
        let data = body["data"] ?? body
        let fields: JSONValue = [
            "term": data["term"] ?? 0, "install_time": data["install_time"] ?? "", "encryptions": data["encryptions"] ?? 0,
        ]
        if let text = OutputFormat.structured(fields, format) {
            print(text)
            return
        }
        let rows = [
            ("Key Term", OutputFormat.cell(fields["term"] ?? 0)),
            ("Install Time", rfc822(fields["install_time"]?.stringValue ?? "")),
            ("Encryption Count", OutputFormat.cell(fields["encryptions"] ?? 0)),
        ]
        print(OutputFormat.columns(header: nil, rows: rows.map { [$0.0, $0.1] }))
    }

    /// Go's `time.RFC822` in UTC: `02 Dec 26 18:58 UTC`.
    private static func rfc822(_ text: String) -> String {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = parser.date(from: text) ?? plain.date(from: text) else { return text }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd MMM yy HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
