import Foundation

/// A git repository built by a test in a temporary directory, driven with the system `git`.
struct GitRepository {
    let url: URL

    init() throws {
        url = try ScanHarness.temporaryDirectory()
        try run("init", "-q", "-b", "main")
    }

    var path: String { url.path }

    /// Runs git with a fixed identity and dates, so commits are reproducible; returns stdout.
    @discardableResult
    func run(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "git", "-C", url.path, "-c", "user.name=Radar Test", "-c", "user.email=radar@test.invalid",
                "-c", "commit.gpgsign=false",
            ] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_AUTHOR_DATE"] = "2026-01-01T00:00:00Z"
        environment["GIT_COMMITTER_DATE"] = "2026-01-01T00:00:00Z"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GitFailed(arguments: arguments) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func write(_ text: String, to relative: String) throws {
        try ScanHarness.write(text, to: url.appendingPathComponent(relative))
    }

    /// Writes, stages and commits; returns the new commit id.
    @discardableResult
    func commit(_ message: String, files: [String: String] = [:], removing: [String] = []) throws -> String {
        for (relative, text) in files {
            try write(text, to: relative)
            try run("add", relative)
        }
        for relative in removing { try run("rm", "-q", relative) }
        try run("commit", "-q", "--allow-empty", "-m", message)
        return try run("rev-parse", "HEAD")
    }

    struct GitFailed: Error { let arguments: [String] }
}

/// Sample secrets the scanner must find, assembled at run time (never whole in the source).
enum Samples {
    /// A GitHub personal access token with a valid checksum.
    static func githubToken(seed: UInt64) -> String {
        var random = SampleRandom(seed: seed)
        return ChecksummedToken.make(prefix: "gh" + "p_", random: random.alnum(30))
    }
}
