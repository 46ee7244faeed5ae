import Foundation
import Vapor
import Voting
@testable import PorteVoix

/// Hand-made page models: every section filled, member text hostile, and a
/// word longer than a 360 px screen. No database, no request.
enum Mock {
    static let hostile = #"<script>alert(1)</script>" onmouseover="x"#
    static let longWord = "Anticonstitutionnellementdéraisonnablementinterminablement"
    static let date = Date(timeIntervalSince1970: 1_900_000_000)
    static let id = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!
    static let otherID = UUID(uuidString: "7A9619FF-8B86-D011-B42D-00C04FC964FF")!
    static let csrf = "jeton"
    static let territories = [NamedID(id: id, name: hostile), NamedID(id: otherID, name: longWord)]

    static let poll = PollSummary(
        id: id, question: hostile, details: longWord, kind: .single, status: .open, custody: .standard,
        eligibility: .territory, territoryName: hostile, meetingID: otherID,
        meeting: PageLink(url: .meeting(otherID), title: hostile), proposal: PageLink(url: .proposal(otherID), title: longWord),
        closesAt: date, maxChoices: 1, options: [hostile, longWord, "Le bus"]
    )

    static let sealedPoll: PollSummary = {
        var sealed = Mock.poll
        sealed.custody = .sealed
        sealed.status = .closed
        sealed.keyThreshold = 2
        sealed.holderNames = [hostile, longWord, "Marie"]
        return sealed
    }()

    static let proposal = ProposalSummary(
        id: id, title: hostile, body: "Premier paragraphe \(longWord).\n\n- \(hostile)", status: .answered, themeName: hostile,
        territoryName: longWord, publicAuthorName: hostile, supportsCount: 12, createdAt: date, publishedAt: date,
        answer: "Le Département répond : \(hostile)", answeredAt: date
    )

    static let comment = CommentSummary(
        id: otherID, authorName: hostile, body: longWord, createdAt: date, status: .submitted,
        proposal: PageLink(url: .proposal(id), title: hostile)
    )

    static let meeting = MeetingSummary(
        id: id, title: hostile, status: .inProgress, startsAt: date, endsAt: date.addingTimeInterval(7200), place: longWord,
        onlineLink: "https://visio.example.fr/\(hostile)", territoryName: hostile, details: hostile, accessibility: hostile,
        currentItemID: otherID, otherAttendees: 2, minutes: hostile, minutesPublishedAt: date
    )

    static let item = AgendaItemSummary(id: otherID, title: hostile, details: longWord, proposals: [proposal])

    static let member = MemberSummary(
        id: id, publicName: hostile, roles: [.participant, .facilitator], status: .active, territoryID: id,
        territoryName: longWord, createdAt: date, charterAcceptedAt: date
    )

    static let counts = MeetingCounts(coming: 3, notComing: 1, presentMembers: 5, others: 2)

    static let meetingShow = MeetingShowModel(
        meeting: { var planned = meeting; planned.status = .planned; return planned }(),
        items: [.init(item: item)], counts: counts, now: date.addingTimeInterval(-86_400), isSignedIn: true,
        viewerComing: true, viewerWasPresent: false, canManage: true, csrf: csrf,
        linkableProposals: [NamedID(id: otherID, name: hostile)], comingNames: [hostile], notComingNames: [longWord]
    )

    static let proposalShow = ProposalShowModel(
        proposal: proposal,
        events: [.init(status: .submitted, createdAt: date, note: nil, actorName: hostile),
                 .init(status: .answered, createdAt: date, note: hostile, actorName: longWord)],
        comments: [{ var published = comment; published.status = .published; return published }()],
        ownPendingComments: [comment], commentsToReview: [comment], isSignedIn: true, isAuthor: false, supportsIt: true,
        actions: [.answer, .complete], csrf: csrf, showsActors: true
    )
}
