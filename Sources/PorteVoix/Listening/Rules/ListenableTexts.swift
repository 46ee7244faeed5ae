import Fluent
import Foundation
import Vapor

/// The text each « Écouter » reads, built from what the page shows to
/// everyone: nil when the page is not public (a proposal waiting for a
/// moderator, a hidden one, a draft poll), so that nothing unpublished is
/// ever spoken. An easy-to-read version, where there is one, comes first.
enum ListenableTexts {
    static func text(of source: SpeechSource, app: Application, on database: any Database) async throws -> String? {
        switch source {
        case .proposal(let id): try await proposal(id, on: database)
        case .meeting(let id): try await meeting(id, on: database)
        case .poll(let id): try await poll(id, on: database)
        case .name(let id): try await name(id, on: database)
        case .debate: try await debate(app: app, on: database)
        case .content(let slug): content(slug, store: app.contentStore)
        }
    }

    static func proposal(_ id: UUID, on database: any Database) async throws -> String? {
        guard let proposal = try await Proposal.find(id, on: database), proposal.isShownToThePublic else { return nil }
        var parts = ["Proposition : " + proposal.title, proposal.body, "Où elle en est : " + proposal.status.label]
        if let answer = proposal.answer, !answer.isEmpty {
            if let easy = proposal.answerEasy, !easy.isEmpty {
                parts += ["Réponse du Département, facile à lire :", easy, "Réponse complète du Département :", answer]
            } else {
                parts += ["Réponse du Département :", answer]
            }
        }
        return SpokenText.make(parts)
    }

    static func meeting(_ id: UUID, on database: any Database) async throws -> String? {
        guard let meeting = try await Meeting.find(id, on: database) else { return nil }
        let items = try await AgendaItem.query(on: database).filter(\.$meeting.$id == id).sort(\.$position).all()
        var parts = ["Séance : " + meeting.title, "Le " + FrenchDates.dayAndTime(meeting.startsAt) + ".", "Lieu : " + meeting.place]
        if meeting.status == .cancelled { parts.append("Cette séance est annulée.") }
        parts.append(meeting.details)
        if !items.isEmpty {
            parts.append("Ordre du jour :")
            for (index, item) in items.enumerated() {
                parts += ["Point \(index + 1) : " + item.title, item.details]
            }
        }
        return SpokenText.make(parts)
    }

    /// The question and every option, in one recording: which part a member
    /// listens to again is not seen in the traffic.
    static func poll(_ id: UUID, on database: any Database) async throws -> String? {
        guard let poll = try await Poll.query(on: database).filter(\.$id == id).with(\.$options).first(),
              poll.status != .draft
        else { return nil }
        var parts: [String] = []
        if let easy = poll.questionEasy, !easy.isEmpty { parts += ["Question, facile à lire :", easy, "Question complète :"] }
        parts += [poll.question, poll.details]
        parts.append("Les choix proposés sont :")
        parts += poll.options.sorted { $0.position < $1.position }.map(\.label)
        return SpokenText.make(parts)
    }

    static func name(_ id: UUID, on database: any Database) async throws -> String? {
        guard let name = try await ProposedName.find(id, on: database), name.status == .published else { return nil }
        let opinions = try await NameOpinion.query(on: database).filter(\.$proposedName.$id == id)
            .filter(\.$status == .published).filter(\.$text != "").sort(\.$updatedAt).all()
        var parts = ["Nom proposé : " + name.name, name.explanation]
        if !opinions.isEmpty {
            parts.append("Les avis :")
            parts += opinions.map { "Avis \($0.stance.label) : " + $0.text }
        }
        return SpokenText.make(parts)
    }

    static func debate(app: Application, on database: any Database) async throws -> String? {
        let names = try await ProposedName.query(on: database).filter(\.$status == .published).sort(\.$createdAt).all()
        var parts = [contentParts("debat-denomination", store: app.contentStore)].compactMap { $0 }.flatMap { $0 }
        if !names.isEmpty {
            parts.append("Les noms proposés :")
            parts += names.map(\.name)
        }
        return parts.isEmpty ? nil : SpokenText.make(parts)
    }

    static func content(_ slug: String, store: ContentStore) -> String? {
        contentParts(slug, store: store).map(SpokenText.make)
    }

    /// A Markdown page's text, its easy-to-read version first.
    static func contentParts(_ slug: String, store: ContentStore) -> [String]? {
        guard let page = try? store.page(slug) else { return nil }
        var parts: [String] = []
        if let easy = try? store.easyPage(slug) {
            parts += [easy.title + ", facile à lire :", SpokenText.fromMarkdown(easy.markdown), "Le texte complet :"]
        }
        parts += [page.title, SpokenText.fromMarkdown(page.markdown)]
        return parts
    }
}
