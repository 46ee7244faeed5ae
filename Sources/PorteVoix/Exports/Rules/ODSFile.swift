import Foundation
import ZIPFoundation

/// An OpenDocument spreadsheet (the office format French administrations
/// are asked to use): a zip, written by ZIPFoundation, of a `mimetype`
/// stored first, a manifest and `content.xml`. The table is written to a
/// temporary file a batch at a time, so memory stays flat; the zip is then
/// built on disk and streamed.
/// Used by one request, one step after the other.
final class ODSFile: @unchecked Sendable {
    static let mimeType = "application/vnd.oasis.opendocument.spreadsheet"

    let folder: URL
    private let content: FileHandle
    private let contentURL: URL
    /// The document's title, in `meta.xml` with its language (RGAA 13.3).
    private let title: String

    init(sheet: String, headers: [String], title: String? = nil) throws {
        self.title = title ?? sheet
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("portevoix-ods-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        contentURL = folder.appendingPathComponent("content.xml")
        FileManager.default.createFile(atPath: contentURL.path, contents: nil)
        content = try FileHandle(forWritingTo: contentURL)
        try write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
            xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">\
            <office:body><office:spreadsheet><table:table table:name="\(Self.escaped(sheet))">
            """)
        // The first row is declared a header row: readers and screen readers name the columns by it.
        try write("<table:table-header-rows>")
        try append([headers.map(ExportCell.text)])
        try write("</table:table-header-rows>")
    }

    /// Rows of cells: text as text (one paragraph per line), numbers as numbers, dates as dates.
    func append(_ rows: [[ExportCell]]) throws {
        var xml = ""
        for row in rows {
            xml += "<table:table-row>"
            for cell in row {
                switch cell {
                case .number(let number):
                    xml += "<table:table-cell office:value-type=\"float\" office:value=\"\(number)\"><text:p>\(number)</text:p></table:table-cell>"
                case .date(let date?):
                    let local = Self.localDateTime(date)
                    xml += "<table:table-cell office:value-type=\"date\" office:date-value=\"\(local)\"><text:p>\(local)</text:p></table:table-cell>"
                case .date(nil):
                    xml += "<table:table-cell/>"
                case .text(let text):
                    let paragraphs = text.split(separator: "\n", omittingEmptySubsequences: false)
                        .map { "<text:p>\(Self.escaped(String($0)))</text:p>" }.joined()
                    xml += "<table:table-cell office:value-type=\"string\">\(paragraphs)</table:table-cell>"
                }
            }
            xml += "</table:table-row>\n"
        }
        try write(xml)
    }

    /// Closes the table and zips the document; returns the file to send.
    func finish() throws -> URL {
        try write("</table:table></office:spreadsheet></office:body></office:document-content>\n")
        try content.close()
        let zipURL = folder.appendingPathComponent("export.ods")
        let archive = try Archive(url: zipURL, accessMode: .create)
        // The mimetype first and stored, as OpenDocument requires.
        let mime = Data(Self.mimeType.utf8)
        try archive.addEntry(with: "mimetype", type: .file, uncompressedSize: Int64(mime.count), compressionMethod: .none) { position, size in
            mime.subdata(in: Int(position)..<min(mime.count, Int(position) + size))
        }
        let manifest = Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
             <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="\(Self.mimeType)"/>
             <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
             <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
            </manifest:manifest>

            """.utf8)
        try archive.addEntry(with: "META-INF/manifest.xml", type: .file, uncompressedSize: Int64(manifest.count),
                             compressionMethod: .deflate) { position, size in
            manifest.subdata(in: Int(position)..<min(manifest.count, Int(position) + size))
        }
        try archive.addEntry(with: "content.xml", fileURL: contentURL, compressionMethod: .deflate)
        let meta = Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2">\
            <office:meta><dc:title>\(Self.escaped(title))</dc:title><dc:language>fr-FR</dc:language></office:meta></office:document-meta>

            """.utf8)
        try archive.addEntry(with: "meta.xml", type: .file, uncompressedSize: Int64(meta.count), compressionMethod: .deflate) { position, size in
            meta.subdata(in: Int(position)..<min(meta.count, Int(position) + size))
        }
        return zipURL
    }

    func remove() {
        try? content.close()
        try? FileManager.default.removeItem(at: folder)
    }

    private func write(_ text: String) throws {
        try content.write(contentsOf: Data(text.utf8))
    }

    /// XML text: escaped as HTML attributes are, without the control
    /// characters XML 1.0 cannot hold (tab excepted).
    static func escaped(_ text: String) -> String {
        escapeAttribute(String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" })))
    }

    /// `xsd:dateTime` in Paris time, as spreadsheets read it.
    static func localDateTime(_ date: Date) -> String {
        let parts = FrenchDates.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
    }
}
