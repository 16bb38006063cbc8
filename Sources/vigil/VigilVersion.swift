/// The version `vigil --version` prints (raised with each release).
enum VigilVersion {
    static let string = "0.16.0"
}
