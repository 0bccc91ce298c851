import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts one command with an explicit environment (`posix_spawnp`; nothing touches
/// this process's own environment, so `/proc/self/environ` never holds a secret),
/// forwards SIGINT, SIGTERM and SIGHUP to it, and waits for it.
struct ChildProcess {
    /// How the child ended, as a shell reports it: its exit code, or 128 + the signal.
    enum Outcome: Equatable {
        case exited(Int32)
        case signaled(Int32)

        var shellStatus: Int32 {
            switch self {
            case .exited(let code): return code
            case .signaled(let signal): return 128 + signal
            }
        }
    }

    struct SpawnFailure: Error, CustomStringConvertible {
        let description: String
    }

    static let forwardedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    let arguments: [String]
    let environment: [String: String]

    /// Runs the child to its end. The forwarding handlers are in place before the
    /// spawn, so a signal that arrives at any moment reaches the child.
    func run() throws -> Outcome {
        guard let command = arguments.first else { throw SpawnFailure(description: "no command given after --") }
        let forwarder = SignalForwarder(signals: Self.forwardedSignals)
        defer { forwarder.stop() }
        let pid = try spawn(command)
        forwarder.target(pid)
        return wait(pid)
    }

    private func spawn(_ command: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The parent ignores the forwarded signals (its handlers are dispatch
        // sources); the child must start with the default actions and no mask.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in Self.forwardedSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            // The copies held secrets: wipe them before freeing.
            for pointer in envp {
                if let pointer {
                    memset(pointer, 0, strlen(pointer))
                    free(pointer)
                }
            }
            for pointer in argv { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, command, nil, &attributes, argv, envp)
        guard status == 0 else {
            throw SpawnFailure(description: "cannot start \(command): \(String(cString: strerror(status)))")
        }
        return pid
    }

    private func wait(_ pid: pid_t) -> Outcome {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .exited(127) }
        }
        // WIFEXITED / WTERMSIG, which Swift does not import as functions.
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }
}

/// Catches signals with dispatch sources and sends each to the child once it exists.
final class SignalForwarder: @unchecked Sendable {
    // @unchecked: `child` and `pending` are only touched under `lock`.
    private let lock = NSLock()
    private var child: pid_t?
    private var pending: [Int32] = []
    private var sources: [DispatchSourceSignal] = []
    private let signals: [Int32]

    init(signals: [Int32]) {
        self.signals = signals
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.forward(number) }
            source.resume()
            sources.append(source)
        }
    }

    func target(_ pid: pid_t) {
        lock.lock()
        child = pid
        let early = pending
        pending = []
        lock.unlock()
        for number in early { kill(pid, number) }
    }

    /// Stops forwarding; the signals stay ignored so that a late SIGTERM cannot
    /// cut short the token revocation that follows.
    func stop() {
        for source in sources { source.cancel() }
    }

    private func forward(_ number: Int32) {
        lock.lock()
        let pid = child
        if pid == nil { pending.append(number) }
        lock.unlock()
        if let pid { kill(pid, number) }
    }
}
