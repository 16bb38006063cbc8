/// The rule for names that become one segment of a store key (a leadership, a group, a
/// member, a resource, a report's node): 1–253 characters of letters, digits, `.`, `_`,
/// `-`, `:` and `@`, so that no name can reach into another's keys.
enum KeyName {
    static func validate(_ name: String, what: String) throws {
        guard !name.isEmpty, name.utf8.count <= 253 else {
            throw VigilKitError(.invalidArgument, "\(what) must be 1 to 253 characters long, not \(name.utf8.count)")
        }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", ":", "@": true
            default: false
            }
        }
        guard allowed, name != ".", name != ".." else {
            throw VigilKitError(
                .invalidArgument, "\(what) \"\(name)\" may hold only letters, digits and . _ - : @")
        }
    }
}
