/// The value of `fragments/<owner>`: one owner's part of the configuration as applied —
/// the same fields as `config`'s record (the YAML, its hash, who applied it when);
/// `config` holds every fragment merged.
public typealias FragmentRecord = ConfigRecord
