/// The git modes beside the history walk: the index (`--staged`) and dangling objects (`--unreachable`).
extension GitHistoryScanner {
    /// Commits, blobs and trees that no ref reaches, reflogs not counted.
    struct DanglingObjects {
        var commits: [String] = []
        var blobs: [String] = []
        var trees: [String] = []
    }

    /// `--staged` (spec §2.2, pre-commit): what the index adds over `HEAD`. Each staged blob is
    /// compared with the one at `HEAD` like a commit's change; removals are not reported, and
    /// every finding counts as in `HEAD`, since the commit being made will put it there.
    func scanStaged(_ git: GitProcess, into aggregator: inout FindingAggregator, report: inout ScanReport) {
        var batch = BlobChangeBatch(
            scanner: scanner, reader: BlobReader(git: git, maxSize: scanner.options.maxFileSize, usePacks: scanner.options.gitReadsPacks))
        batch.reportsRemovals = false
        let arguments = ["diff", "--cached", "--raw", "--no-abbrev", "--no-renames", "--no-ext-diff", "--no-textconv", "--no-color"]
        let status = git.stream(arguments) { line in
            guard line.first == UInt8(ascii: ":"), let change = RawChangeParser.change(line, commit: nil) else { return }
            batch.add(change, into: &aggregator)
        }
        if status != 0 { report.errors.append("git diff --cached failed in \(repository) (status \(status))") }
        batch.flush(into: &aggregator)
        report.errors += batch.errors
        report.bytesScanned += batch.bytesScanned
        report.filesScanned += batch.blobsScanned
        report.findings = aggregator.findings()
    }

    /// `--unreachable` (spec §2.2): objects a force-push, a dropped stash, a deleted branch or a
    /// `git add` undone left behind. Reflogs are not roots here: a commit only a reflog still
    /// names is gone from every ref, so it is exactly what this mode is for.
    func danglingObjects(_ git: GitProcess, report: inout ScanReport) -> DanglingObjects {
        var found = DanglingObjects()
        // fsck exits non-zero when it also finds damage; the objects it listed are still used.
        let status = git.stream(["fsck", "--dangling", "--no-reflogs", "--no-progress"]) { line in
            let words = line.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
            guard words.count == 3, words[0] == "dangling" else { return }
            switch words[1] {
            case "commit": found.commits.append(words[2])
            case "blob": found.blobs.append(words[2])
            case "tree": found.trees.append(words[2])
            default: break
            }
        }
        if status != 0 { report.errors.append("git fsck reported problems in \(repository) (status \(status))") }
        return found
    }

    /// Dangling blobs, and the blobs of dangling trees, as standalone changes with a label for a path.
    func danglingBlobChanges(_ git: GitProcess, _ dangling: DanglingObjects) -> [BlobChange] {
        var changes = dangling.blobs.map {
            BlobChange(commit: nil, oldBlob: nil, newBlob: $0, path: "(dangling blob \($0.prefix(12)))", standalone: true)
        }
        for tree in dangling.trees {
            git.stream(["ls-tree", "-r", "--full-tree", tree]) { line in
                // "<mode> blob <id>\t<path>"
                guard let tab = line.firstIndex(of: 0x09) else { return }
                let fields = line[line.startIndex..<tab].split(separator: 0x20)
                guard fields.count == 3, fields[1].elementsEqual("blob".utf8) else { return }
                let path = "(dangling tree \(tree.prefix(12)))/" + RawChangeParser.unquote(line[(tab + 1)...])
                changes.append(
                    BlobChange(
                        commit: nil, oldBlob: nil, newBlob: String(decoding: fields[2], as: UTF8.self), path: path,
                        standalone: true))
            }
        }
        return changes
    }
}
