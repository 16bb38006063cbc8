#if VIGIL_FUZZ
// Built by lab/fuzz-config with -sanitize=fuzzer -parse-as-library -DVIGIL_FUZZ: libFuzzer
// provides `main` and calls this entry point with each input it generates.

/// libFuzzer's entry point: one input, decoded as a configuration and as a state.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ConfigFuzzing.check(UnsafeBufferPointer(start: data, count: size))
    return 0
}
#else
// A plain build: replays saved inputs (a crash libFuzzer found, or the seed corpus)
// without the sanitizer: `vigil-config-fuzz FILE...`.
import Foundation

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
#endif
