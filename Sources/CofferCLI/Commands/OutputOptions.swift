import ArgumentParser

/// `-format` and `-field`, shared by the commands that print an answer.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: "table or json.")
    var format: String?

    @Option(name: .customLong("field"), help: "Print only this field, raw, with no newline.")
    var field: String?
}
