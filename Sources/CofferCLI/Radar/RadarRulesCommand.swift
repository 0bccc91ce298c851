import ArgumentParser
import CofferRadar

/// `coffer radar rules list`: id, family, severity and description of every rule.
struct RadarRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "The detection rules.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the rules.")

        func run() throws {
            let scanner = try RadarScanner(options: RadarScanOptions(hashKey: .random()))
            print("rules version \(RuleCatalog.version)")
            for rule in scanner.rules {
                print([rule.id, rule.family.rawValue, rule.severity.name, rule.description].joined(separator: "\t"))
            }
        }
    }
}
