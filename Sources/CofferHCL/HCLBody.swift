/// An ordered list of attributes and blocks: a whole document, a block's contents, or an
/// object value. Lookups that find several items with one name use the last, matching how
/// later settings override earlier ones; `items(named:)` exposes all of them so callers can
/// reject duplicates instead.
package struct HCLBody: Equatable, Sendable {
    /// Every item in source order.
    package var items: [HCLItem]

    package init(items: [HCLItem] = []) {
        self.items = items
    }

    /// Parses HCL source text; same as `HCLParser.parse(_:)`.
    package init(parsing source: String) throws(HCLParseError) {
        self = try HCLParser.parse(source)
    }

    /// The attributes, in source order.
    package var attributes: [HCLAttribute] { items.compactMap(\.attribute) }

    /// The blocks, in source order.
    package var blocks: [HCLBlock] { items.compactMap(\.block) }

    /// Distinct item names in order of first appearance.
    package var names: [String] {
        var seen = Set<String>()
        return items.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    /// Items whose name is not in `allowed`, so callers can report each unknown key at its position.
    package func unknownItems(allowed: Set<String>) -> [HCLItem] {
        items.filter { !allowed.contains($0.name) }
    }

    /// All items (attributes and blocks) with the given name.
    package func items(named name: String) -> [HCLItem] {
        items.filter { $0.name == name }
    }

    /// All attributes with the given name.
    package func attributes(named name: String) -> [HCLAttribute] {
        attributes.filter { $0.name == name }
    }

    /// The last attribute with the given name.
    package func attribute(named name: String) -> HCLAttribute? {
        attributes.last { $0.name == name }
    }

    /// The value of the last attribute with the given name.
    package subscript(name: String) -> HCLValue? {
        attribute(named: name)?.value
    }

    /// Blocks of one type, e.g. every `path "..." { }` in a policy. An attribute `type = { ... }`
    /// is returned as a block without labels, because HCL1 treats the two spellings alike.
    package func blocks(ofType type: String) -> [HCLBlock] {
        items.compactMap { item in
            switch item {
            case .block(let block) where block.type == type:
                return block
            case .attribute(let attribute) where attribute.name == type:
                guard case .object(let body) = attribute.value else { return nil }
                return HCLBlock(type: type, body: body, position: attribute.position)
            default:
                return nil
            }
        }
    }

    // MARK: Typed lookups
    //
    // Each returns nil when the key is absent and throws, positioned at the value, when it is
    // present with the wrong type: a missing optional setting is normal, a mistyped one is a
    // mistake the author should hear about.

    /// The named value as text (numbers and booleans are rendered, as the HCL1 decoder does).
    package func string(_ name: String) throws(HCLParseError) -> String? {
        try typed(name, expected: "a string", \.stringValue)
    }

    /// The named value as a boolean; accepts `true`, `"true"`, `1`, `"1"` and the like.
    package func bool(_ name: String) throws(HCLParseError) -> Bool? {
        try typed(name, expected: "a boolean", \.boolValue)
    }

    /// The named value as an integer; accepts `8200` and `"8200"`.
    package func int(_ name: String) throws(HCLParseError) -> Int64? {
        try typed(name, expected: "an integer", \.intValue)
    }

    /// The named value as a floating-point number.
    package func double(_ name: String) throws(HCLParseError) -> Double? {
        try typed(name, expected: "a number", \.doubleValue)
    }

    /// The named value as a list of strings, reporting the first bad element at its position.
    package func stringList(_ name: String) throws(HCLParseError) -> [String]? {
        guard let attribute = attribute(named: name) else { return nil }
        guard case .list(let elements) = attribute.value else {
            throw attribute.valueError("\"\(name)\" must be a list of strings, found \(attribute.value.kindName)")
        }
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            guard let text = element.stringValue else {
                throw attribute.elementError(
                    at: index, "element \(index + 1) of \"\(name)\" must be a string, found \(element.summary)")
            }
            strings.append(text)
        }
        return strings
    }

    /// The named object: `name = { ... }` or a label-less `name { ... }` block.
    package func object(_ name: String) throws(HCLParseError) -> HCLBody? {
        guard let item = items.last(where: { $0.name == name }) else { return nil }
        switch item {
        case .attribute(let attribute):
            guard case .object(let body) = attribute.value else {
                throw attribute.valueError("\"\(name)\" must be an object, found \(attribute.value.kindName)")
            }
            return body
        case .block(let block):
            guard block.labels.isEmpty else {
                throw block.labelError(at: 0, "\"\(name)\" must be a block without labels")
            }
            return block.body
        }
    }

    private func typed<T>(
        _ name: String, expected: String, _ convert: (HCLValue) -> T?
    ) throws(HCLParseError) -> T? {
        guard let attribute = attribute(named: name) else {
            if let block = blocks.last(where: { $0.type == name }) {
                throw block.error("\"\(name)\" must be \(expected), found a block")
            }
            return nil
        }
        guard let converted = convert(attribute.value) else {
            throw attribute.valueError("\"\(name)\" must be \(expected), found \(attribute.value.summary)")
        }
        return converted
    }
}
