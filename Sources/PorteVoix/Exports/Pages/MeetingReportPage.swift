import Foundation
import Plot

/// `/seances/:id/rapport`: a session on one printable page (A4, no
/// navigation in print): agenda and decisions, attendance counts, the
/// votes' results with their charts, the minutes. Only what is public.
enum MeetingReportPage {
    struct Vote: Sendable {
        var question: String
        var status: String
        /// Nil below the publication minimum, or before the count.
        var results: PollResults?
        var ballots: Int
    }

    struct Model: Sendable {
        var meeting: MeetingSummary
        var items: [AgendaItemSummary]
        var counts: MeetingCounts
        var votes: [Vote]
        var minutes: String?
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        let meeting = model.meeting
        return Layout.page(
            context,
            title: "Rapport de séance — \(meeting.title)",
            content: .article(
                .class("rapport-imprimable"),
                .p(.class("ne-pas-imprimer"), .a(.href(.meeting(meeting.id)), .text("Retour à la séance"))),
                .h1(.plain("Rapport de séance : \(meeting.title)")),
                .p(.plain("\(MeetingPages.when(meeting)) — \(meeting.place). Séance \(meeting.status.label).")),
                .h2("Présences"),
                .p(.plain("\(model.counts.present) personnes présentes, dont \(model.counts.presentMembers) membres du conseil "
                    + "et \(model.counts.others) autres personnes.")),
                .h2("Ordre du jour et décisions"),
                model.items.isEmpty ? .p(.text("Pas d'ordre du jour.")) : .ol(.forEach(model.items) { item in
                    .li(
                        .strong(.plain(item.title)),
                        .if(!item.details.isEmpty, .div(richText(item.details))),
                        .if(!item.proposals.isEmpty, .ul(.forEach(item.proposals) { proposal in
                            .li(.plain("« \(proposal.title) » : \(proposal.status.label)"))
                        }))
                    )
                }),
                .h2("Votes"),
                model.votes.isEmpty ? .p(.text("Aucun vote pendant cette séance.")) : .group(.forEach(model.votes) { vote in
                    .section(
                        .class("rapport-vote"),
                        .h3(.plain(vote.question)),
                        .unwrap(vote.results) { results in
                            .group(.p(.plain("\(vote.ballots) bulletins.")), PollPages.resultsBody(results))
                        },
                        .if(vote.results == nil, .p(.plain("Vote \(vote.status) : résultat non publié (pas encore dépouillé, "
                            + "ou moins de bulletins que le minimum de publication).")))
                    )
                }),
                .h2("Compte rendu"),
                .unwrap(model.minutes) { .div(richText($0)) },
                .if(model.minutes == nil, .p(.text("Pas encore publié.")))
            )
        )
    }
}
