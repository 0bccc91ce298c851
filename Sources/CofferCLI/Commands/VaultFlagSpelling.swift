/// Vault's CLI spells long flags with one dash (`-format=json`); ArgumentParser wants two.
enum VaultFlagSpelling {
    /// Rewrites `-name` and `-name=value` to `--name...`; leaves `-f`, `-`, values and
    /// everything after `--` alone.
    static func normalize(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var passthrough = false
        for argument in arguments {
            if passthrough || argument == "--" {
                passthrough = true
                result.append(argument)
                continue
            }
            let name = argument.dropFirst().prefix { $0 != "=" }
            if argument.hasPrefix("-"), !argument.hasPrefix("--"), name.count > 1, name.first?.isLetter == true {
                result.append("-" + argument)
            } else {
                result.append(argument)
            }
        }
        return result
    }
}
