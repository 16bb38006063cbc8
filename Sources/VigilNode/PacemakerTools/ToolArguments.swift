/// Command-line options as Pacemaker's tools take them (GLib's option parser): `-x VALUE`,
/// `-xVALUE`, `--long VALUE`, `--long=VALUE`, bundled flags (`-Gq`), and options whose value
/// is optional (`--promotion[=RSC]`, which takes no separate word).
struct ToolArguments {
    /// One option a tool accepts.
    struct Option {
        /// The name options are recorded under (the long name).
        var name: String
        /// Its short letter, if any.
        var short: Character?
        /// Other long names.
        var aliases: [String] = []
        /// Whether it takes a value.
        var takesValue: Bool
        /// Whether the value is optional (only `--name=VALUE` gives one).
        var optionalValue = false
    }

    /// Option name → the values given, in order (an empty string for a flag).
    private(set) var values: [String: [String]] = [:]
    /// Words that are not options.
    private(set) var positional: [String] = []

    /// Parses `words` against `options`.
    ///
    /// - Throws: ``PacemakerToolError`` for an unknown option or a missing value.
    init(_ words: [String], options: [Option]) throws(PacemakerToolError) {
        var index = 0
        func option(long: String) -> Option? { options.first { $0.name == long || $0.aliases.contains(long) } }
        func option(short: Character) -> Option? { options.first { $0.short == short } }
        while index < words.count {
            let word = words[index]
            index += 1
            if word == "--" {
                positional.append(contentsOf: words[index...])
                break
            }
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let spec = option(long: String(parts[0])) else { throw PacemakerToolError(usage: "unknown option \(word)") }
                if parts.count == 2 {
                    guard spec.takesValue else { throw PacemakerToolError(usage: "--\(parts[0]) takes no value") }
                    values[spec.name, default: []].append(String(parts[1]))
                } else if spec.takesValue && !spec.optionalValue {
                    guard index < words.count else { throw PacemakerToolError(usage: "\(word) needs a value") }
                    values[spec.name, default: []].append(words[index])
                    index += 1
                } else {
                    values[spec.name, default: []].append("")
                }
            } else if word.hasPrefix("-"), word.count > 1 {
                var letters = Substring(word.dropFirst())
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    guard let spec = option(short: letter) else { throw PacemakerToolError(usage: "unknown option -\(letter)") }
                    guard spec.takesValue else {
                        values[spec.name, default: []].append("")
                        continue
                    }
                    if !letters.isEmpty {
                        values[spec.name, default: []].append(String(letters))
                    } else if spec.optionalValue {
                        values[spec.name, default: []].append("")
                    } else {
                        guard index < words.count else { throw PacemakerToolError(usage: "-\(letter) needs a value") }
                        values[spec.name, default: []].append(words[index])
                        index += 1
                    }
                    break
                }
            } else {
                positional.append(word)
            }
        }
    }

    /// Whether the option was given.
    func has(_ name: String) -> Bool { values[name] != nil }

    /// The option's last value.
    func value(_ name: String) -> String? { values[name]?.last }
}
