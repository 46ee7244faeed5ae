import Foundation
import Testing
@testable import PorteVoix

/// The codes of the audit log as a type: every code reads as a French
/// sentence, the codes built from another enum are the ones written
/// today, and the transparency page counts what it counted. Pure: no
/// database, names looked up nowhere.
@Suite("Audit actions: one code, one sentence")
struct AuditActionTests {
    /// An entry of this action, about a record of the kind it is written about.
    static func entry(_ action: AuditAction, about subject: AuditSubject?, details: [String: String] = [:]) -> AuditEntry {
        AuditEntry(actorID: nil, action: action.rawValue, subject: subject, details: details, at: Date())
    }

    /// The subject the action's entries name: its code's first word when it
    /// is a kind of record (`proposal`, `poll`, …), a member otherwise.
    static func subject(of action: AuditAction) -> AuditSubject {
        let kind = action.rawValue.split(separator: ".").first.map(String.init)
        return AuditSubject(kind: kind, id: UUID()) ?? .member(UUID())
    }

    /// The codes as they look in the database: each has a dot.
    static let codes = AuditAction.allCases.map(\.rawValue).filter { $0.contains(".") }

    @Test("Every action reads as a French sentence", arguments: AuditAction.allCases)
    func everyActionHasASentence(action: AuditAction) {
        let details: [[String: String]] = [[:], ["reason": "abuse", "count": "3", "holder": "2", "threshold": "3"]]
        for subject in [Self.subject(of: action), nil] {
            for values in details {
                let entry = Self.entry(action, about: subject, details: values)
                let sentence = action.sentence(for: entry, names: AuditNames())
                #expect(sentence == AuditSentence.describe(entry, names: AuditNames()))
                #expect(!sentence.hasPrefix("Action «"), "\(action.rawValue): \(sentence)")
                #expect(sentence.count > 2 && sentence.hasSuffix("."), "\(action.rawValue): \(sentence)")
                for code in Self.codes {
                    #expect(!sentence.contains(code), "\(action.rawValue) shows the code \(code): \(sentence)")
                }
                #expect(!sentence.lowercased().contains("bénéficiaire"))
            }
        }
        #expect(!action.label.isEmpty && !action.label.hasPrefix("Action «"))
        #expect(!action.label.lowercased().contains("bénéficiaire"))
        #expect(AuditSentence.label(of: action.rawValue) == action.label)
    }

    @Test func rawValuesAreUniqueAndReadBack() {
        let raw = AuditAction.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for action in AuditAction.allCases {
            #expect(AuditAction(rawValue: action.rawValue) == action)
        }
    }

    @Test func aCommentSentBackSaysSo() throws {
        let action = try #require(AuditAction(rawValue: "comment.requestChanges"))
        let id = UUID()
        var names = AuditNames()
        names.comments[id] = "« Un bus le dimanche »"
        let entry = Self.entry(action, about: .comment(id), details: ["reason": "abuse"])
        let sentence = AuditSentence.describe(entry, names: names)
        #expect(sentence.contains("renvoyé"))
        #expect(sentence == "Commentaire sur « Un bus le dimanche » renvoyé à son auteur pour modification "
            + "(propos injurieux ou discriminatoires).")

        let proposal = Self.entry(.proposalRequestChanges, about: .proposal(id), details: ["reason": "personal_data"])
        #expect(AuditSentence.describe(proposal, names: AuditNames()).contains("renvoyée à son auteur pour modification (données personnelles)"))
    }

    @Test func unknownAndMigratedEntriesKeepTheirWords() {
        let unknown = AuditEntry(actorID: nil, action: "test", subject: nil, details: [:], at: Date())
        #expect(AuditSentence.describe(unknown, names: AuditNames()) == "Action « test ».")
        let migrated = AuditEntry(actorID: nil, action: "proposal.publish", subject: nil, details: ["migrated": "1"], at: Date())
        #expect(AuditSentence.describe(migrated, names: AuditNames())
            == "Proposition publiée (entrée reprise de l'ancien journal, sans ses détails).")
    }

    /// The factories give the codes the call sites build by hand today.
    @Test func factoriesGiveTheCodesWrittenToday() {
        for action in ProposalAction.allCases {
            #expect(AuditAction.proposal(action).rawValue == "proposal.\(action.rawValue)")
        }
        for status in PollStatus.allCases {
            #expect(AuditAction.poll(status).rawValue == "poll.\(status.rawValue)")
        }
        for kind in AuditAction.ListKind.allCases {
            #expect(AuditAction.listAdd(kind).rawValue == "\(kind.rawValue).add")
            #expect(AuditAction.listRename(kind).rawValue == "\(kind.rawValue).rename")
            #expect(AuditSubject(kind: kind.rawValue, id: UUID())?.kind == kind.rawValue)
        }
        for kind in ReportedKind.allCases {
            for decision in AuditAction.ReportDecision.allCases {
                #expect(AuditAction.moderation(kind, decision).rawValue == "\(kind.rawValue).\(decision.rawValue)")
            }
            #expect(AuditAction.hiddenByReports(kind).rawValue == "\(kind.rawValue).hidden_by_reports")
            #expect(AuditAction.redact(kind).rawValue == "\(kind.rawValue).redact")
            // Written today as "\(subject.kind).reviewed".
            let subject: AuditSubject = kind == .proposal ? .proposal(UUID()) : .comment(UUID())
            #expect(AuditAction.reviewed(kind).rawValue == "\(subject.kind).reviewed")
        }
        #expect(CommentWorkflow.auditAction(.publish) == .commentPublish)
        #expect(CommentWorkflow.auditAction(.refuse(.abuse, message: nil)) == .commentReject)
        #expect(CommentWorkflow.auditAction(.sendBack(.abuse, message: "x")).rawValue == "comment.requestChanges")
    }

    /// The moderators' journal and the transparency page read what they read
    /// before the enum, plus the two legacy codes for a text sent back.
    @Test func moderationListsAreUnchanged() {
        let before = ["proposal", "comment"].flatMap { kind in
            ["publish", "reject", "requestChanges", "redact", "hide", "restore", "dismiss", "hidden_by_reports", "reviewed"]
                .map { "\(kind).\($0)" }
        } + ["name.publish", "name.reject", "opinion.publish", "opinion.reject"]
        let legacy = ["proposal.changes", "comment.changes"]
        #expect(Set(AuditAction.moderationActions.map(\.rawValue)) == Set(before + legacy))

        let counted = ["proposal.reject", "comment.reject", "name.reject", "opinion.reject", "proposal.requestChanges",
                       "comment.requestChanges", "proposal.redact", "comment.redact", "proposal.hidden_by_reports",
                       "comment.hidden_by_reports", "proposal.hide", "comment.hide", "proposal.restore", "comment.restore",
                       "opinion.publish"]
        #expect(Set(AuditAction.transparencyActions.map(\.rawValue)) == Set(counted + legacy))
        #expect(AuditAction.commentRequestChanges.transparency == .sentBack)
        #expect(AuditAction.commentChanges.transparency == .sentBack)
        #expect(AuditAction.opinionPublish.transparency == .published)
        // Counted from their own tables, never twice.
        #expect(AuditAction.proposalPublish.transparency == nil && AuditAction.commentPublish.transparency == nil
            && AuditAction.namePublish.transparency == nil)
    }
}
