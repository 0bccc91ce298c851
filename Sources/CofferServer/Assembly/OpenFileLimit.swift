#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's limit on open descriptors (`RLIMIT_NOFILE`).
enum OpenFileLimit {
    /// Raises the soft limit to the hard one, as Go does at start (so OpenBao
    /// does too): shells and service managers often start processes at 1024,
    /// which a server holding a connection per client outgrows. Returns the soft
    /// limit in force afterwards.
    @discardableResult
    static func raiseToHard() -> Int {
        var limit = rlimit()
        guard get(&limit) else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            #if canImport(Darwin)
                // macOS refuses a soft limit above OPEN_MAX however high the hard one is.
                raised.rlim_cur = min(raised.rlim_cur, rlim_t(OPEN_MAX))
            #endif
            if set(&raised) { limit = raised }
        }
        // RLIM_INFINITY and other huge values do not fit every Int use downstream.
        return Int(clamping: min(limit.rlim_cur, 1 << 24))
    }

    private static func get(_ limit: inout rlimit) -> Bool {
        #if canImport(Glibc)
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0
        #else
            getrlimit(RLIMIT_NOFILE, &limit) == 0
        #endif
    }

    private static func set(_ limit: inout rlimit) -> Bool {
        #if canImport(Glibc)
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0
        #else
            setrlimit(RLIMIT_NOFILE, &limit) == 0
        #endif
    }
}
