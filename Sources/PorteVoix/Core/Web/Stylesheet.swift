import Vapor

/// The site's one stylesheet: written readable in `Styles/portevoix.css`,
/// served without its comments and indentation (a sixth of its weight), so
/// that a page and its stylesheet stay under the 30 KB budget (design/ui.md).
/// Its address carries `Layout.stylesheetVersion`: browsers may keep it a year.
enum Stylesheet {
    static let path: [PathComponent] = ["css", "portevoix.css"]

    /// Comments removed, each run of spaces and line breaks made one space,
    /// none left around `{`, `}`, `;` and `,`. Quoted strings are kept as
    /// they are. Spaces around `:` and `>` stay: `.a :focus` is not `.a:focus`.
    static func minified(_ css: String) -> String {
        var output: [UInt8] = []
        let bytes = Array(css.utf8)
        var index = 0
        var pendingSpace = false
        let tight: Set<UInt8> = [UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ";"), UInt8(ascii: ",")]
        func emit(_ byte: UInt8) {
            if pendingSpace, let last = output.last, !tight.contains(last), !tight.contains(byte) { output.append(0x20) }
            pendingSpace = false
            output.append(byte)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                index += 2
                pendingSpace = true
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                emit(byte)
                index += 1
                while index < bytes.count, bytes[index] != byte {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                        output.append(bytes[index])
                        index += 1
                    }
                    output.append(bytes[index])
                    index += 1
                }
                if index < bytes.count { output.append(byte) }
                index += 1
            } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                pendingSpace = !output.isEmpty
                index += 1
            } else {
                emit(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self) + "\n"
    }

    /// Read and minified once, at start-up. Missing (a command run from
    /// another folder), it is said in the log and its address answers 404,
    /// as for the pages of `Content/`.
    static func load(_ app: Application) {
        serve("portevoix.css", at: path, app)
        // The voting kiosk's own (`KioskPages`): only its pages carry it, so
        // that every other page keeps within the budget.
        serve("borne.css", at: ["css", "borne.css"], app)
        // The room's projector's, on that page only.
        serve("projection.css", at: ["css", "projection.css"], app)
    }

    private static func serve(_ name: String, at path: [PathComponent], _ app: Application) {
        let source = app.settings.resourcesDirectory + "Styles/" + name
        guard let css = FileManager.default.contents(atPath: source) else {
            app.logger.warning("La feuille de style Styles/\(name) est introuvable : son adresse répondra « page introuvable ».")
            return
        }
        let served = ByteBuffer(string: minified(String(decoding: css, as: UTF8.self)))
        app.get(path) { _ in
            var headers = HTTPHeaders()
            headers.contentType = .css
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
            return Response(status: .ok, headers: headers, body: .init(buffer: served))
        }
    }
}
