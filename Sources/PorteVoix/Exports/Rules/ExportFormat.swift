import Foundation

/// One value of an exported record.
enum ExportCell: Sendable, Equatable {
    case text(String)
    case number(Int)
    case date(Date?)

    /// ISO 8601, as the French open-data conventions ask.
    var asText: String {
        switch self {
        case .text(let text): text
        case .number(let number): String(number)
        case .date(let date): date.map(FrenchDates.iso) ?? ""
        }
    }
}

/// The file formats staff download.
enum ExportFormat: String, CaseIterable, Sendable {
    /// Open data: UTF-8, comma, CRLF, header row, RFC 4180 quoting.
    case openData = "csv"
    /// For spreadsheets: semicolon, UTF-8 with BOM, no cell that a spreadsheet would run as a formula.
    case spreadsheet = "csv-tableur"
    case json
    /// OpenDocument spreadsheet (`ODSFile`).
    case ods

    var label: String {
        switch self {
        case .openData: "CSV données ouvertes (virgule, UTF-8)"
        case .spreadsheet: "CSV pour tableur (point-virgule, s'ouvre dans Excel ou LibreOffice)"
        case .json: "JSON"
        case .ods: "Tableur OpenDocument (.ods)"
        }
    }

    var contentType: String {
        switch self {
        case .openData, .spreadsheet: "text/csv; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .ods: ODSFile.mimeType
        }
    }

    var fileExtension: String {
        switch self {
        case .openData, .spreadsheet: "csv"
        case .json: "json"
        case .ods: "ods"
        }
    }

    /// What opens the file, before any record.
    func start(headers: [String]) -> String {
        switch self {
        case .openData: Self.csvLines([headers], delimiter: ",")
        case .spreadsheet: "\u{FEFF}" + Self.csvLines([headers], delimiter: ";")
        case .json: "["
        case .ods: ""
        }
    }

    /// A batch of records; `first` tells JSON whether a comma goes before the first of them.
    /// One writer or encoder per batch: made per record, they were most of a 100,000-line export's 43 s.
    func records(_ records: [[(String, ExportCell)]], first: Bool) throws -> String {
        switch self {
        case .openData: return Self.csvLines(records.map { $0.map { $0.1.asText } }, delimiter: ",")
        case .spreadsheet: return Self.csvLines(records.map { $0.map { Self.neutralised($0.1.asText) } }, delimiter: ";")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var text = ""
            for (index, cells) in records.enumerated() {
                var object: [String: JSONCell] = [:]
                for (key, cell) in cells { object[key] = JSONCell(cell) }
                text += (first && index == 0 ? "\n" : ",\n") + String(decoding: try encoder.encode(object), as: UTF8.self)
            }
            return text
        case .ods: return ""
        }
    }

    var end: String { self == .json ? "\n]\n" : "" }

    /// CSV lines, each ending in CRLF, quoted as RFC 4180 says. CSV.swift's
    /// writer does the same (a test holds them equal) but searches each
    /// field through Foundation: a quarter of a 100,000-line export. Here a
    /// field is quoted when any of its bytes is a quote, a line break or the
    /// delimiter, even one a combining accent follows (which CSV.swift,
    /// comparing characters, would leave bare for a spreadsheet to split on).
    static func csvLines(_ rows: [[String]], delimiter: String) -> String {
        let separator = delimiter.utf8.first ?? UInt8(ascii: ",")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * 512)
        for row in rows {
            for (index, field) in row.enumerated() {
                if index > 0 { bytes.append(separator) }
                let utf8 = field.utf8
                let quoted = utf8.contains { $0 == 0x22 || $0 == 0x0A || $0 == 0x0D || $0 == separator }
                guard quoted else {
                    bytes.append(contentsOf: utf8)
                    continue
                }
                bytes.append(0x22)
                for byte in utf8 {
                    bytes.append(byte)
                    if byte == 0x22 { bytes.append(0x22) }
                }
                bytes.append(0x22)
            }
            bytes.append(contentsOf: [0x0D, 0x0A])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A cell a spreadsheet would read as a formula (=, +, -, @, tab, return)
    /// starts with an apostrophe instead, and shows as the text it is.
    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }
}

/// A JSON value: numbers stay numbers, dates are ISO 8601 text, empty is null.
private enum JSONCell: Encodable {
    case text(String), number(Int), null

    init(_ cell: ExportCell) {
        switch cell {
        case .text(let text): self = .text(text)
        case .number(let number): self = .number(number)
        case .date(let date): self = date == nil ? .null : .text(cell.asText)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .null: try container.encodeNil()
        }
    }
}
