import Fluent
import Plot
import Vapor

/// `/exports` (staff): files of what the site publishes, streamed.
struct ExportsController {
    func show(request: Request) async throws -> HTML {
        ExportsPage.view(try await model(request), context: request.pageContext)
    }

    private func model(_ request: Request) async throws -> ExportsPage.Model {
        ExportsPage.Model(datasets: ExportDataset.available(to: request.member?.roles ?? []),
                          head: try await AuditLog.head(on: request.db),
                          themes: try await Theme.query(on: request.db).sort(\.$position).all().map(\.choice).map { NamedID(id: $0.id, name: $0.name) },
                          territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice)
                            .map { NamedID(id: $0.id, name: $0.name) })
    }

    /// The file, written a batch of records at a time while it downloads.
    func download(request: Request) async throws -> Response {
        var typed: [String: String] = [:]
        for key in ["jeu", "format", "du", "au", "territoire", "theme"] {
            typed[key] = request.query[String.self, at: key].map { String($0.prefix(64)) } ?? ""
        }
        var errors = FormErrors()
        // A dataset this person may not have is refused like an unknown one: the attendance names members.
        let dataset = ExportDataset(rawValue: typed["jeu"] ?? "").flatMap {
            ExportDataset.available(to: request.member?.roles ?? []).contains($0) ? $0 : nil
        }
        let format = ExportFormat(rawValue: typed["format"] ?? "")
        if dataset == nil { errors.add("jeu", "Choisissez les données à exporter.") }
        if format == nil { errors.add("format", "Choisissez un format.") }
        let from = TypedDay.read(typed["du"] ?? ""), to = TypedDay.read(typed["au"] ?? "")
        if from == .failure { errors.add("du", "Cette date n'existe pas : écrivez-la comme 2026-01-31.") }
        if to == .failure { errors.add("au", "Cette date n'existe pas : écrivez-la comme 2026-12-31.") }
        guard errors.isEmpty, let dataset, let format else {
            var model = try await model(request)
            model.errors = errors
            model.typed = typed
            return ExportsPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        var filters = ExportFilters(territoryID: UUID(uuidString: typed["territoire"] ?? ""), themeID: UUID(uuidString: typed["theme"] ?? ""))
        if case .date(let date) = from { filters.from = date }
        // "Jusqu'au" includes that day.
        if case .date(let date) = to { filters.to = date.addingTimeInterval(86_400) }
        let database = request.db, chosen = filters
        let body = format == .ods ? try await Self.odsBody(dataset, chosen, on: database, threadPool: request.application.threadPool)
            : Response.Body(managedAsyncStream: { writer in
                _ = try await ExportRun.write(dataset, format, chosen, on: database) { try await writer.writeBuffer($0) }
            })
        let response = Response(status: .ok, body: body)
        response.headers.replaceOrAdd(name: .contentType, value: format.contentType)
        let name = "\(dataset.rawValue)-\(FrenchDates.iso(request.now).prefix(10)).\(format.fileExtension)"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        // The audit log's head when the file was made: a reader can check later that nothing before it changed.
        let head = try await AuditLog.head(on: request.db)
        response.headers.replaceOrAdd(name: "X-PorteVoix-Journal-Tete", value: "\(head.sequence) \(head.hash)")
        return response
    }

    /// The spreadsheet is built on disk a batch at a time, zipped, then sent in chunks and removed.
    static func odsBody(_ dataset: ExportDataset, _ filters: ExportFilters, on database: any Database,
                        threadPool: NIOThreadPool) async throws -> Response.Body {
        let file = try ODSFile(sheet: dataset.rawValue, headers: dataset.headers, title: dataset.label)
        do {
            try await dataset.stream(filters, on: database) { records in
                try file.append(records.map { $0.map(\.1) })
            }
            let zip = try await threadPool.runIfActive { try file.finish() }
            let folder = file.folder
            return Response.Body(managedAsyncStream: { writer in
                defer { try? FileManager.default.removeItem(at: folder) }
                let handle = try FileHandle(forReadingFrom: zip)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                    try await writer.writeBuffer(ByteBuffer(bytes: chunk))
                }
            })
        } catch {
            file.remove()
            throw error
        }
    }
}

/// A whole export written to `sink` a batch of records at a time: the route streams it, the benchmark counts it.
public enum ExportRun {
    /// - Returns: the number of bytes written; 0 for an unknown dataset or format, or ODS (built on disk).
    public static func write(dataset name: String, format formatName: String, app: Application,
                             to sink: (ByteBuffer) async throws -> Void) async throws -> Int {
        guard let dataset = ExportDataset(rawValue: name), let format = ExportFormat(rawValue: formatName), format != .ods else { return 0 }
        return try await write(dataset, format, ExportFilters(), on: app.db, to: sink)
    }

    static func write(_ dataset: ExportDataset, _ format: ExportFormat, _ filters: ExportFilters, on database: any Database,
                      to sink: (ByteBuffer) async throws -> Void) async throws -> Int {
        var bytes = 0
        func send(_ text: String) async throws {
            let buffer = ByteBuffer(string: text)
            bytes += buffer.readableBytes
            try await sink(buffer)
        }
        var first = true
        try await send(format.start(headers: dataset.headers))
        try await dataset.stream(filters, on: database) { records in
            guard !records.isEmpty else { return }
            try await send(try format.records(records, first: first))
            first = false
        }
        try await send(format.end)
        return bytes
    }
}
