/// What `rotate-root` records before it changes the root password, so a crash
/// at any point leaves Coffer able to log in: the database holds either the old
/// password or the new one, and the record has both.
struct RootRotationRecord: Codable, Sendable {
    var username: String
    var oldPassword: String
    var newPassword: String

    enum CodingKeys: String, CodingKey {
        case username
        case oldPassword = "old_password"
        case newPassword = "new_password"
    }
}
