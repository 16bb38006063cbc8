import Testing
import VigilStore

/// Expects `body` to throw a ``VigilStoreError`` with `code`.
func expectCode(_ code: VigilStoreError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected a \(code) error", sourceLocation: sourceLocation)
    } catch let error as VigilStoreError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a VigilStoreError, got \(error)", sourceLocation: sourceLocation)
    }
}
