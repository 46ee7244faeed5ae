import Fluent
import Foundation
import PersonalData
import Vapor

/// A moderator rewrites a member's text (to take out a phone number, a
/// neighbour's name, an insult). The original is destroyed, not kept
/// aside: the row and its search text get the new text; the notifications,
/// history notes and report comments that quoted a removed piece lose it;
/// then the database files are scrubbed (`FreeSpace`) so that a copy taken
/// afterwards holds nothing of it. The audit log never held the text.
enum Redaction {
    /// What replaces a removed piece in the copies that quoted it.
    static let removedMarker = "[retiré par l'équipe de modération]"

    enum Target: Sendable {
        case proposal(UUID)
        case comment(UUID)
    }

    /// The pieces of the old text that the new one no longer holds: the
    /// personal data found in it, each line that went, and the old title
    /// (notifications quote it).
    static func removedPieces(oldTitle: String?, oldBody: String, newTitle: String?, newBody: String) -> [String] {
        let newText = PersonalData.visible([newTitle ?? "", newBody].joined(separator: "\n"))
        let kept = Set(PersonalData.scan(newText).map { canonical(String(newText[$0.range])) })
        var pieces: [String] = []
        for text in [oldTitle ?? "", oldBody].map(PersonalData.visible) {
            for hit in PersonalData.scan(text) {
                let piece = String(text[hit.range])
                if !kept.contains(canonical(piece)) { pieces.append(piece) }
            }
        }
        for line in oldBody.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) })
        where line.count >= 12 && !newBody.contains(line) {
            pieces.append(line)
        }
        if let oldTitle, let newTitle, oldTitle != newTitle { pieces.append(oldTitle) }
        // Longest first: a line that holds a number is replaced whole.
        return Array(Set(pieces)).sorted { $0.count > $1.count }
    }

    /// The same number or address however it is written: compatibility
    /// forms folded (full-width "０６" is "06"), letters and digits only,
    /// lower case ("06.12.34.56.78" and "0612345678" match).
    static func canonical(_ piece: String) -> String {
        String(piece.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// A copy without the removed pieces: each quoted as it was, and each
    /// piece of personal data found in the copy that is one of them written
    /// another way.
    static func scrubbed(_ text: String, removing pieces: [String], title: (old: String, new: String)?) -> String {
        var result = PersonalData.visible(text)
        if let title, title.old != title.new { result = result.replacingOccurrences(of: title.old, with: title.new) }
        for piece in pieces { result = result.replacingOccurrences(of: piece, with: removedMarker) }
        let removed = Set(pieces.map(canonical))
        for hit in PersonalData.scan(result).reversed() where removed.contains(canonical(String(result[hit.range]))) {
            result.replaceSubrange(hit.range, with: removedMarker)
        }
        return result == PersonalData.visible(text) ? text : result
    }

    /// Writes the new text and destroys the old one everywhere it was copied.
    /// - Returns: the author to tell, and the proposal the notification links to.
    /// - Returns: on PostgreSQL, the transaction's id, for the scrub to wait for older snapshots.
    @discardableResult
    static func apply(_ target: Target, title newTitle: String?, body newBody: String, reason: ModerationReason,
                      by moderatorID: UUID?, on database: any Database, now: Date) async throws -> Int? {
        try await database.transaction { database in
            let proposalID: UUID
            let contentID: UUID
            let kind: ReportedKind
            let pieces: [String]
            var titleChange: (old: String, new: String)?
            switch target {
            case .proposal(let id):
                guard let proposal = try await Proposal.find(id, on: database) else { throw Abort(.notFound) }
                let title = newTitle ?? proposal.title
                pieces = removedPieces(oldTitle: proposal.title, oldBody: proposal.body, newTitle: title, newBody: newBody)
                titleChange = (proposal.title, title)
                proposal.title = title
                proposal.body = newBody
                proposal.searchText = Proposal.searchText(title: title, body: newBody)
                proposal.personalData = Screening.stored(Screening.kinds(in: title, newBody))
                proposal.redactedAt = now
                try await proposal.save(on: database)
                // Its recording read the old text: destroyed with it.
                try await Recordings.forget(.proposal(id), on: database)
                (proposalID, contentID, kind) = (id, id, .proposal)
            case .comment(let id):
                guard let comment = try await ProposalComment.find(id, on: database) else { throw Abort(.notFound) }
                pieces = removedPieces(oldTitle: nil, oldBody: comment.body, newTitle: nil, newBody: newBody)
                comment.body = newBody
                comment.personalData = Screening.stored(Screening.kinds(in: newBody))
                comment.redactedAt = now
                try await comment.save(on: database)
                (proposalID, contentID, kind) = (comment.$proposal.id, id, .comment)
            }
            // Every notification about this proposal (its own, its comments'),
            // and any other that quotes a removed piece (a paper proposal's, …).
            let path = SiteURL.proposal(proposalID).path
            var notifications = try await MemberNotification.query(on: database).group(.or) { group in
                group.filter(\.$link == path).filter(\.$link, .custom("LIKE"), path + "#%")
            }.all()
            // Each piece as written, and folded ("０６" written "06" in a copy).
            let searched = Set(pieces + pieces.map(\.precomposedStringWithCompatibilityMapping))
            for piece in searched {
                notifications += try await MemberNotification.query(on: database).filter(\.$message ~~ piece).all()
            }
            var seen = Set<UUID>()
            for notification in notifications where seen.insert(notification.id ?? UUID()).inserted {
                let message = scrubbed(notification.message, removing: pieces, title: titleChange)
                if message != notification.message {
                    notification.message = message
                    try await notification.save(on: database)
                }
            }
            // Moderators' messages to the authors of comments on it.
            for comment in try await ProposalComment.query(on: database).filter(\.$proposal.$id == proposalID)
                .filter(\.$refusalReason != nil).all() {
                let cleaned = scrubbed(comment.refusalReason ?? "", removing: pieces, title: nil)
                if cleaned != comment.refusalReason {
                    comment.refusalReason = cleaned
                    try await comment.save(on: database)
                }
            }
            for event in try await ProposalEvent.query(on: database).filter(\.$proposal.$id == proposalID).all() {
                guard let note = event.note else { continue }
                let cleaned = scrubbed(note, removing: pieces, title: nil)
                if cleaned != note {
                    event.note = cleaned
                    try await event.save(on: database)
                }
            }
            for report in try await ContentReport.query(on: database).filter(\.$kind == kind).filter(\.$contentID == contentID).all() {
                let cleaned = scrubbed(report.comment, removing: pieces, title: nil)
                if cleaned != report.comment {
                    report.comment = cleaned
                    try await report.save(on: database)
                }
            }
            // Flash messages waiting in someone's session (« Votre proposition
            // « … » est publiée ») quote the old title or text too.
            var quoted = Array(searched)
            if let titleChange, titleChange.old != titleChange.new { quoted.append(titleChange.old) }
            var flashed: [WebSessionRecord] = []
            for piece in quoted where !piece.isEmpty {
                flashed += try await WebSessionRecord.query(on: database).filter(\.$flash ~~ piece).all()
            }
            var seenSessions = Set<String>()
            for record in flashed where seenSessions.insert(record.id ?? "").inserted {
                guard let flash = record.flash else { continue }
                let cleaned = scrubbed(flash, removing: pieces, title: titleChange)
                if cleaned != flash {
                    record.flash = cleaned
                    try await record.save(on: database)
                }
            }
            try await AuditLog.append(actorID: moderatorID, action: .redact(kind),
                                      subject: kind.subject(contentID),
                                      details: ["reason": reason.rawValue], at: now, on: database)
            guard database.sql.dialect.name != "sqlite" else { return nil }
            return try await database.sql.raw("SELECT txid_current() AS id").first()?.decode(column: "id", as: Int.self)
        }
    }

    /// The tables a redaction rewrites, scrubbed afterwards.
    static let tables = [Proposal.schema, ProposalComment.schema, MemberNotification.schema, ProposalEvent.schema,
                         ContentReport.schema, WebSessionRecord.schema,
                         SpeechRecording.schema]
}
