/// One entry of an `HCLBody`: either an attribute or a block, kept in source order.
package enum HCLItem: Equatable, Sendable {
    case attribute(HCLAttribute)
    case block(HCLBlock)

    /// The attribute name or block type: the key callers check against their allowed keys.
    package var name: String {
        switch self {
        case .attribute(let attribute): attribute.name
        case .block(let block): block.type
        }
    }

    /// Where the item's first key starts.
    package var position: HCLPosition {
        switch self {
        case .attribute(let attribute): attribute.position
        case .block(let block): block.position
        }
    }

    /// The attribute, if this item is one.
    package var attribute: HCLAttribute? {
        if case .attribute(let attribute) = self { return attribute }
        return nil
    }

    /// The block, if this item is one.
    package var block: HCLBlock? {
        if case .block(let block) = self { return block }
        return nil
    }

    /// An error positioned at the item's key, e.g. `unknown key "foo"`.
    package func error(_ message: String) -> HCLParseError {
        HCLParseError(at: position, message)
    }
}
