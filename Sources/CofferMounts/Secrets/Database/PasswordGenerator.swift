import CofferMountKit

/// Passwords for database users: 20 characters from letters, digits and `-`,
/// with at least one lower-case letter, one upper-case letter, one digit and one
/// `-` (OpenBao's default policy). Drawn by rejection, so every character is uniform.
enum PasswordGenerator {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")

    static func generate(length: Int = 20) -> String {
        while true {
            var characters: [Character] = []
            while characters.count < length {
                for byte in SecureRandom.bytes(length * 2) where characters.count < length {
                    // 252 = 4·63: values below it map evenly onto the alphabet.
                    if byte < 252 { characters.append(alphabet[Int(byte) % alphabet.count]) }
                }
            }
            if characters.contains(where: \.isLowercase), characters.contains(where: \.isUppercase),
                characters.contains(where: \.isNumber), characters.contains("-")
            {
                return String(characters)
            }
        }
    }
}
