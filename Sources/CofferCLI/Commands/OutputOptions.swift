import ArgumentParser

/// `-format` and `-field`, shared by the commands that print an answer.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: "table or json.")
    var format: String?

    @Option(name: .customLong("field"), help: "Print only this field, raw, with no newline.")
    var field: String?
}

/// `-wrap-ttl`, for commands whose answer can be response-wrapped.
struct WrapOptions: ParsableArguments {
    @Option(name: .customLong("wrap-ttl"), help: "Wrap the response in a single-use token for this long (60s, 5m).")
    var wrapTTL: String?

    func client() -> APIClient {
        APIClient(settings: .fromEnvironment(), wrapTTL: wrapTTL)
    }
}
