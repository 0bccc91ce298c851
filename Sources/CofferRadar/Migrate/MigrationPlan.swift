/// What `coffer radar migrate` proposes for one CircleCI config (spec §2.3 migration hints,
/// issue 23): the commands that copy each hardcoded secret into Coffer and the config
/// change that makes the job read it back through its OIDC login. For a person to review.
public struct MigrationPlan: Sendable {
    /// One hardcoded secret and where it goes.
    public struct Item: Sendable {
        /// The environment variable the job will see (`NPM_TOKEN`).
        public let name: String
        /// The KV mount and the path below it (`secret`, `circleci/app/NPM_TOKEN`).
        public let mount: String
        public let path: String
        public let yamlPath: String
        public let line: Int
        /// Where the value sits on its line: 1-based byte column and length. A multi-line value
        /// (a block scalar) is its lines `line...endLine` from `column` on, length 0.
        public let column: Int
        public let length: Int
        public let job: String?
        public let endLine: Int

        init(
            name: String, mount: String, path: String, yamlPath: String, line: Int, column: Int, length: Int,
            job: String?, endLine: Int? = nil
        ) {
            self.name = name
            self.mount = mount
            self.path = path
            self.yamlPath = yamlPath
            self.line = line
            self.column = column
            self.length = length
            self.job = job
            self.endLine = endLine ?? line
        }
    }

    public let items: [Item]
    /// A bash script of `kv put` commands; each reads its value from the config at run time.
    public let script: String
    /// A unified diff of the config, for `git apply`. Its removed lines are the config's
    /// own, secrets included: write it to a private file, never to a log.
    public let patch: String
    /// The same diff with every secret masked, safe to print.
    public let reviewPatch: String
    /// The config as the patch leaves it.
    public let patchedConfig: String
    /// Findings the plan leaves to a person, and why.
    public let notes: [String]
}
