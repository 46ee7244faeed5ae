import Fluent
import Plot
import Vapor

/// The activity report for a period: this calendar year until today when no dates are given.
struct ActivityReportController {
    func show(request: Request) async throws -> Response {
        let typedFrom = String((request.query[String.self, at: "du"] ?? "").prefix(32))
        let typedTo = String((request.query[String.self, at: "au"] ?? "").prefix(32))
        var model = ActivityReportPage.Model(typedFrom: typedFrom, typedTo: typedTo, generatedAt: request.now)
        let now = request.now
        var from = FrenchDates.calendar.date(from: FrenchDates.calendar.dateComponents([.year], from: now)) ?? now
        var to = FrenchDates.calendar.startOfDay(for: now).addingTimeInterval(86_400)
        switch TypedDay.read(typedFrom) {
        case .failure: model.errors.add("du", "Cette date n'existe pas : écrivez-la comme 2026-01-31.")
        case .date(let date): from = date
        case .none: break
        }
        switch TypedDay.read(typedTo) {
        case .failure: model.errors.add("au", "Cette date n'existe pas : écrivez-la comme 2026-12-31.")
        case .date(let date): to = date.addingTimeInterval(86_400)
        case .none: break
        }
        if model.errors.isEmpty, to <= from { model.errors.add("au", "Cette date vient avant la date de début.") }
        guard model.errors.isEmpty else {
            return ActivityReportPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if typedFrom.isEmpty { model.typedFrom = String(FrenchDates.iso(from).prefix(10)) }
        if typedTo.isEmpty { model.typedTo = String(FrenchDates.iso(to.addingTimeInterval(-1)).prefix(10)) }
        model.report = try await ActivityReport.load(from: from, to: to, now: request.now, on: request.db)
        return ActivityReportPage.view(model, context: request.pageContext).response(status: .ok)
    }
}
