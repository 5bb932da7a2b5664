/// GNU dd's `parse_symbols`: a comma-separated list of symbols from a table.
///
/// Every item must be a symbol (an empty item, as in `conv=sync,`, is an error reported as
/// `‘’`); the error names only the offending item, quoted with `quote()`, and GNU follows it
/// with the `Try … --help` line.
enum DDSymbolList {
    /// OR of the values of every symbol in `text` (or, when `exclusive`, the last one's), or
    /// a usage error `"\(errorPrefix): ‘item’"`.
    static func parse<Value>(
        _ text: String, table: [(String, Value)], exclusive: Bool, initial: Value,
        combine: (Value, Value) -> Value, errorPrefix: String, locale: QuotingLocale
    ) -> Result<Value, DDUsageError> {
        var value = initial
        // Split and compare bytes, as GNU's strchr walk does: Character-level splitting would
        // glue a comma to a following combining mark, and String's == matches canonical
        // equivalents. omittingEmptySubsequences: false keeps "" items, which are errors.
        let items = Array(text.utf8).split(
            separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        for item in items {
            guard let entry = table.first(where: { $0.0.utf8.elementsEqual(item) }) else {
                let quoted = String(
                    decoding: Quoting.quote(bytes: Array(item), locale: locale), as: UTF8.self)
                return .failure(DDUsageError(message: "\(errorPrefix): \(quoted)", tryHelp: true))
            }
            value = exclusive ? entry.1 : combine(value, entry.1)
        }
        return .success(value)
    }
}
