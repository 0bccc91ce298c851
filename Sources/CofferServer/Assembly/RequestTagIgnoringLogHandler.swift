import Logging

/// The handler of the logger given to Hummingbird. Hummingbird tags a copy of
/// its logger with a request id on every request, and the stream handler
/// rebuilds its metadata text on each such change: 1.6% of a login's CPU.
/// Coffer logs nothing per request through that logger, so this handler passes
/// messages on and ignores metadata changes.
struct RequestTagIgnoringLogHandler: LogHandler {
    var base: any LogHandler

    var metadata: Logger.Metadata {
        get { base.metadata }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set {}
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    func log(event: LogEvent) {
        base.log(event: event)
    }
}
