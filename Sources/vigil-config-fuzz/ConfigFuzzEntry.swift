#if VIGIL_FUZZ
// Built by lab/fuzz-config with -sanitize=fuzzer -DVIGIL_FUZZ. SwiftPM links an executable's
// `main` to `<module>_main`, so that is where libFuzzer's driver is started from.

/// libFuzzer's driver (compiler-rt's FuzzerDriver.cpp, exported since LLVM 11).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// libFuzzer's entry point: one input, decoded as a configuration and as a state.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ConfigFuzzing.check(UnsafeBufferPointer(start: data, count: size))
    return 0
}

/// The executable's entry point in a fuzzing build: runs libFuzzer with its command line.
@_cdecl("vigil_config_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzConfiguration)
}
#else
import Foundation

/// A plain build replays saved inputs (a crash libFuzzer found, or the seed corpus)
/// without the sanitizer: `vigil-config-fuzz FILE...`; exit status 1 when a file cannot be read.
@main
enum ConfigFuzzReplay {
    static func main() {
        var failed = false
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): cannot be read\n".utf8))
                failed = true
                continue
            }
            data.withUnsafeBytes { raw in ConfigFuzzing.check(raw.bindMemory(to: UInt8.self)) }
        }
        exit(failed ? 1 : 0)
    }
}
#endif
