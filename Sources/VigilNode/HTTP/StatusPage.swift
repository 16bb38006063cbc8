import Hummingbird
import NIOCore

/// The status page served at `/` (docs/operator-guide.md, "The status page"): plain HTML,
/// CSS and JavaScript compiled into the binary (`Web/`), no external resource. The page
/// reads the same API as the CLI (`GET /v1/status`, `GET /v1/events`) and acts through it,
/// so it needs no route of its own beyond its three files.
enum StatusPage {
    /// The page's files: path → (content type, bytes).
    static let files: [String: (contentType: String, bytes: [UInt8])] = [
        "/": ("text/html; charset=utf-8", PackageResources.index_html),
        "/ui/vigil.css": ("text/css; charset=utf-8", PackageResources.vigil_css),
        "/ui/vigil.js": ("text/javascript; charset=utf-8", PackageResources.vigil_js),
    ]

    /// Everything from this agent only, nothing inline, no framing by other sites: what
    /// the cluster reports (resource names, messages) cannot become script.
    static let policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static func register(on router: Router<APIRequestContext>) {
        for (path, file) in files {
            router.get(RouterPath(stringLiteral: path)) { _, _ in response(file.contentType, file.bytes) }
        }
    }

    static func response(_ contentType: String, _ bytes: [UInt8]) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-cache"]
        for (name, value) in [
            ("Content-Security-Policy", policy), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
        ] {
            if let field = HTTPFields.Element.Name(name) { headers[field] = value }
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
