import Foundation
import Plot
import Testing
import Vapor
import Voting
@testable import PorteVoix

extension PageContext {
    /// A page context with no request behind it.
    static let mock = PageContext(siteName: "PorteVoix", departementName: "Le Département", path: "/",
                                  accessibilityStatus: "non conforme")

    /// A signed-in facilitator, with a form token for the sign-out button.
    static let signedIn = PageContext(
        siteName: "PorteVoix", departementName: "Le Département", path: "/", accessibilityStatus: "non conforme",
        member: SignedInMember(pseudonym: Mock.hostile, roles: [.participant, .facilitator, .admin, .moderator],
                               unreadNotifications: 2),
        csrfToken: Mock.csrf, flash: Mock.hostile
    )
}

extension HomePage.Model {
    /// Every section filled, with hostile text and a word longer than a 360 px screen.
    static let mock = HomePage.Model(
        latestAnswers: [.init(link: .init(url: .proposal(Mock.id), title: Mock.hostile), status: .answered)],
        openPolls: [.init(url: .poll(Mock.id), title: Mock.longWord), .init(url: .poll(Mock.otherID), title: "Un bus le dimanche ?")],
        awaitingPolls: [.init(url: .poll(Mock.otherID), title: "Quel nom pour le conseil ?")],
        nextMeeting: .init(link: .init(url: .meeting(Mock.id), title: "Séance du Nord"),
                           when: "mardi 12 mars 2027 de 14 h à 16 h 30", place: Mock.hostile)
    )
}

/// One page rendered from a hand-made model, and what it must show.
struct RenderedPage: Sendable, CustomTestStringConvertible {
    let name: String
    /// Text the page shows (plain: compared after escaping).
    let shows: [String]
    let render: @Sendable () -> String

    var testDescription: String { name }

    init(_ name: String, shows: [String], _ render: @escaping @Sendable () -> String) {
        self.name = name
        self.shows = shows
        self.render = render
    }

    init(_ name: String, shows: [String], html: @escaping @Sendable () -> HTML) {
        self.init(name, shows: shows) { html().render() }
    }
}

/// Pages rendered from hand-made models, without a database or a server.
@Suite("Views from plain models")
struct PageViewTests {
    static let h = Mock.hostile, w = Mock.longWord, c = Mock.csrf
    static let context = PageContext.signedIn

    static let pages: [RenderedPage] = accountPages + proposalPages + meetingPages + pollPages + otherPages

    static let accountPages: [RenderedPage] = [
        RenderedPage("sign-in", shows: [h, "Se connecter"]) {
            SignInPage.view(.init(csrf: c, pseudonym: h, returnPath: "/scrutins",
                                  errors: FormErrors("pseudonyme", "Ce pseudonyme et ce mot de passe ne vont pas ensemble.")),
                            context: .mock)
        },
        RenderedPage("activation code", shows: [h]) { ActivationPages.code(.init(csrf: c, code: h), context: .mock) },
        RenderedPage("activation account", shows: [h, "Créer mon compte"]) {
            ActivationPages.account(.init(csrf: c, pseudonym: h, errors: FormErrors("pseudonyme", "Ce pseudonyme est déjà pris.")),
                                    context: .mock)
        },
        RenderedPage("activation of a replacement card", shows: [w, "Choisir un nouveau mot de passe"]) {
            ActivationPages.account(.init(csrf: c, pseudonym: "", replacementFor: w), context: .mock)
        },
        RenderedPage("activation charter", shows: ["La charte du conseil"]) {
            ActivationPages.charter(.init(csrf: c, charterHTML: "<p>La charte du conseil</p>"), context: .mock)
        },
        RenderedPage("installation", shows: [h]) { InstallationPage.view(.init(csrf: c, token: h, pseudonym: h), context: .mock) },
        RenderedPage("my account", shows: [h, w, "Marie"]) {
            MyAccountPage.view(.init(csrf: c, pseudonym: h, roles: [.participant, .facilitator], territory: w,
                                     memberSince: Mock.date, replacements: [(Mock.date, h, "Marie")]), context: context)
        },
        RenderedPage("notifications", shows: [h, "1 notification non lue."]) {
            NotificationsPage.view(notifications: [.init(message: h, link: "/propositions", createdAt: Mock.date, unread: true),
                                                   .init(message: w, link: "/suivi", createdAt: Mock.date, unread: false)],
                                   csrf: c, context: context)
        },
        RenderedPage("admin dashboard", shows: ["Cartes d'accès", "Réglages du site"]) {
            AdminPages.dashboard(isAdmin: true, context: context)
        },
        RenderedPage("admin members", shows: [h, w, "1 membre."]) {
            AdminPages.members(.init(members: [Mock.member], total: 1, page: 1, pageCount: 1, filters: MemberFilters(q: h),
                                     territories: Mock.territories), context: context)
        },
        RenderedPage("admin member", shows: [h, "Suspendre le compte"]) {
            AdminPages.member(.init(member: Mock.member, territories: Mock.territories, csrf: c, isSelf: false), context: context)
        },
        RenderedPage("admin lists", shows: [h, w]) {
            AdminPages.lists(.init(territories: Mock.territories, themes: Mock.territories, csrf: c,
                                   errors: FormErrors("theme-nouveau", "Ce nom existe déjà."), typed: ["theme-nouveau": h]),
                             context: context)
        },
        RenderedPage("redaction form", shows: [h, w, "Le texte d'origine sera détruit"]) {
            var model = RedactionPage.Model.mock
            model.contextTitle = h
            model.body = w
            model.errors = FormErrors("motif", "Choisissez la raison dans la liste : l'auteur la lira.")
            return RedactionPage.view(model, context: context)
        },
        RenderedPage("comment sent back to its author", shows: [h, w, "Envoyer quand même"]) {
            var model = CommentEditPage.Model.mock
            model.proposal = PageLink(url: .proposals, title: h)
            model.message = w
            model.typed = "Appelez-moi au 06 12 34 56 78"
            model.screened = true
            return CommentEditPage.view(model, context: context)
        },
        RenderedPage("naming debate synthesis", shows: ["personne accompagnée", "C'est juste.", "5 (42 %)"]) {
            SynthesisPage.view(.mock, context: context)
        },
        RenderedPage("a proposed name", shows: [h, w, "3 pour · 1 contre · 0 partagé"]) {
            var model = NamePage.Model.mock
            model.name = h
            model.explanation = w
            model.csrf = c
            model.errors = FormErrors("position", "Choisissez pour, contre ou partagé.")
            return NamePage.view(model, context: context)
        },
        RenderedPage("naming debate", shows: [h, "Proposer un nom", "Période 1"]) {
            var model = SynthesisPage.Model.mock.debate
            model.names = [.init(id: UUID(), name: h, explanation: w, authorName: h, isCurrent: false, counts: [.pour: 2])]
            model.csrf = c
            model.canOrganise = true
            model.isStaff = true
            model.errors = FormErrors("nom", "Ce nom a déjà été proposé : donnez plutôt votre avis sur lui.")
            return DebatePage.view(model, context: context)
        },
        RenderedPage("exports", shows: ["Exporter les données", "Transports"]) {
            var model = ExportsPage.Model.mock
            model.errors = FormErrors("du", "Cette date n'existe pas : écrivez-la comme 2026-01-31.")
            model.typed = ["du": h]
            return ExportsPage.view(model, context: context)
        },
        RenderedPage("API tokens", shows: [h, "Copiez-le maintenant", "Révoquer"]) {
            var model = APITokensPage.Model.mock
            model.csrf = c
            model.tokens[0].label = h
            model.newToken = "pv_" + h
            model.typedLabel = w
            model.errors = FormErrors("jours", "Écrivez un nombre de jours entre 1 et 365.")
            return APITokensPage.view(model, context: context)
        },
        RenderedPage("activity report", shows: [h, w, "12 propositions publiées", "Délai médian de réponse : 21,5 jours"]) {
            var model = ActivityReportPage.Model.mock
            model.report?.byTheme = [(h, 7), ("Logement", 5)]
            model.report?.sessions[0].title = w
            model.typedFrom = h
            return ActivityReportPage.view(model, context: context)
        },
        RenderedPage("transparency", shows: ["novembre 2026", "Refus, par raison"]) {
            TransparencyPage.view(.mock, context: context)
        },
        RenderedPage("audit journal", shows: [h, w, "Page 2 sur 3"]) {
            AdminPages.journal(entries: [.init(sequence: 7, createdAt: Mock.date, actorName: h, summary: w)], title: "Journal des actions",
                               path: .admin(.journal), head: (7, String(repeating: "a", count: 64)), page: 2, pageCount: 3,
                               context: context)
        },
        RenderedPage("site settings", shows: ["Réglages du site"]) {
            SiteSettingsPage.view(.init(csrf: c, values: [:], errors: FormErrors()), context: context)
        },
        RenderedPage("access cards", shows: [h, w, "expirée", "Marie"]) {
            AccessCardPages.form(.init(csrf: c, publicAddress: "https://conseil.example.fr", canSetAddress: true,
                                       territories: Mock.territories,
                                       recent: [.init(createdAt: Mock.date, createdBy: h, territoryName: w, state: "expirée")],
                                       pending: [.init(id: Mock.id, pseudonym: h, requestedAt: Mock.date, requestedBy: "Marie",
                                                       mine: false, confirmed: false)]),
                                 context: context)
        },
        RenderedPage("printed cards", shows: [h, w, "K7QF 2M9X AB3C"]) {
            AccessCardPages.print([.init(code: "K7QF2M9XAB3C", expiresAt: Mock.date, territory: h, replacementFor: w)],
                                  context: context, siteAddress: "https://conseil.example.fr")
        },
    ]

    static let proposalPages: [RenderedPage] = [
        RenderedPage("proposal", shows: [h, w, "12 soutiens", "Par \(w)", "Commentaires à relire"]) {
            ProposalPages.show(Mock.proposalShow, context: context)
        },
        RenderedPage("proposal list", shows: [h, w, "Faire une proposition"]) {
            ProposalPages.list(.init(proposals: [Mock.proposal], total: 1, page: 1, pageCount: 2, filters: ProposalFilters(q: h),
                                     themes: Mock.territories, territories: Mock.territories, canPropose: true,
                                     canEnterPaper: true), context: context)
        },
        RenderedPage("my proposals", shows: [h, w]) { ProposalPages.mine([Mock.proposal], context: context) },
        RenderedPage("follow-up", shows: [h, "Le Département répond"]) {
            ProposalPages.followUp([Mock.proposal], page: 1, pageCount: 1, context: .mock)
        },
        RenderedPage("moderation queue", shows: [h, w, "1 proposition", "1 commentaire"]) {
            ModerationQueue(proposals: QueueSection(all: [Mock.proposal], page: 1, perPage: 10),
                            comments: QueueSection(all: [Mock.comment], page: 1, perPage: 10)).page(context: context)
        },
        RenderedPage("proposal form", shows: [h, w]) {
            ProposalPages.form(.init(mode: .new, csrf: c, themes: Mock.territories, territories: Mock.territories, title: h,
                                     body: w, preview: true, errors: FormErrors("titre", "Donnez un titre.")),
                               context: context)
        },
        RenderedPage("proposal form with personal data", shows: ["Votre texte semble contenir un numéro de téléphone", "Envoyer quand même"]) {
            ProposalPages.form(.init(mode: .new, csrf: c, themes: Mock.territories, territories: Mock.territories, title: h,
                                     body: "Appelez le 06 12 34 56 78. \(h)", screened: true), context: context)
        },
        RenderedPage("paper attribution", shows: [h, w, "Marie"]) {
            PaperAttributionPage.view(.init(csrf: c, returnPath: nil,
                                            proposals: [.init(id: Mock.id, title: h, body: w, enteredAt: Mock.date, enteredBy: "Marie")]),
                                      context: context)
        },
    ]

    static let meetingPages: [RenderedPage] = [
        RenderedPage("meeting list", shows: [h, w]) {
            MeetingPages.list(upcoming: [Mock.meeting], past: [Mock.meeting], territories: Mock.territories,
                              selectedTerritory: "", canPlan: true, context: context)
        },
        RenderedPage("meeting", shows: [h, w, "Viendrez-vous ?", "3 personnes ont dit qu'elles viendront"]) {
            MeetingPages.show(Mock.meetingShow, context: context)
        },
        RenderedPage("meeting form", shows: [h]) {
            MeetingPages.form(.init(editing: nil, csrf: c, territories: Mock.territories, title: h), context: context)
        },
        RenderedPage("attendance", shows: [h, "1 membre noté présent."]) {
            MeetingPages.attendance(.init(meeting: Mock.meeting, members: Mock.territories, present: [Mock.id], search: h,
                                          csrf: c), context: context)
        },
        RenderedPage("minutes form", shows: [h]) {
            MeetingPages.minutesForm(Mock.meeting, text: h, csrf: c, error: nil, context: context)
        },
        RenderedPage("printable minutes", shows: [h, w, "7 personnes présentes"]) {
            MeetingPages.printableMinutes(Mock.meeting, minutes: h, counts: Mock.counts, context: context)
        },
        RenderedPage("projector", shows: [h, "Vote en cours", "12 bulletins sur 14"]) {
            MeetingPages.projection(Mock.meeting, items: [Mock.item],
                                    poll: .init(poll: Mock.poll, ballots: 12, present: 14, results: nil), siteName: h)
        },
    ]

    static let pollPages: [RenderedPage] = [
        RenderedPage("poll list", shows: [h, "Préparer un vote"]) {
            PollPages.list([Mock.poll, Mock.sealedPoll], canManage: true, context: context)
        },
        RenderedPage("poll", shows: [h, w, "3 personnes ont voté", "Vérifier mon vote"]) {
            PollPages.show(.init(poll: Mock.poll, ballots: 3, csrf: c, canManage: true), context: context)
        },
        RenderedPage("poll results", shows: [h, w, "En tête", "Le bus : 7"]) {
            var poll = Mock.poll
            poll.status = .closed
            poll.counted = true
            return PollPages.show(.init(poll: poll, ballots: 10, csrf: c, canManage: false,
                                        results: .options(OptionCounts(counts: [2, 1, 7], ballots: 10), labels: poll.options)),
                                  context: context).render()
        },
        RenderedPage("poll confirmation", shows: [h, w, "Confirmer mon vote"]) {
            PollPages.confirmation(Mock.poll, content: .single(1), options: Mock.poll.options, csrf: c, context: context)
        },
        RenderedPage("tracker", shows: ["K7QF-2M9X"]) { PollPages.tracker(Mock.poll, tracker: "K7QF-2M9X", context: context) },
        RenderedPage("trackers", shows: [h, "ab12"]) {
            PollPages.trackers(Mock.poll, fingerprints: ["ab12"], csrf: c,
                               check: .init(typed: h, found: false, fingerprint: nil, malformed: true), context: context)
        },
        RenderedPage("paper ballots", shows: [h, "Noter qu'ils ont voté sur papier"]) {
            PollPages.paper(.init(poll: Mock.poll, present: [(Mock.id, h)], voted: [], paperVoters: [], csrf: c), context: context)
        },
        RenderedPage("poll form", shows: [h, w]) {
            PollPages.form(.init(csrf: c, minimumFloor: 5, territories: Mock.territories, agendaItems: [(Mock.id.uuidString, h)],
                                 proposals: [(Mock.otherID.uuidString, w)], form: PollFormFields(question: h)), context: context)
        },
        RenderedPage("my key share", shows: [h, "AAAA-BBBB"]) {
            PollPages.myShare(.init(poll: Mock.sealedPoll, number: 2, holders: 3, fetchedAt: nil, csrf: c, code: "AAAA-BBBB"),
                              context: context)
        },
        RenderedPage("custody count", shows: [h, w, "Marie"]) {
            PollPages.custodyCount(.init(poll: Mock.sealedPoll, csrf: c,
                                         holders: [.init(number: 1, name: w, fetched: true, given: true),
                                                   .init(number: 2, name: "Marie", fetched: true, given: false)],
                                         ownNumber: 2, ownGiven: false, typed: h, errors: FormErrors("part", w)), context: context)
        },
        RenderedPage("attendance sheet", shows: [h, w]) {
            MeetingPages.attendanceSheet(Mock.meeting, present: [w], context: context)
        },
        RenderedPage("count", shows: [h, w, "il manque 1 part valable"]) {
            PollPages.count(.init(poll: Mock.sealedPoll, csrf: c, typed: [1: h], missing: 1), context: context)
        },
    ]

    static let otherPages: [RenderedPage] = [
        RenderedPage("home", shows: [h, w, "2 votes sont ouverts"]) { HomePage.View(context: context, model: .mock).render().render() },
        RenderedPage("content page", shows: ["Aide", "Un paragraphe"]) {
            ContentPageView.render(ContentPage(slug: "aide", title: "Aide", description: h, metadata: [:],
                                               html: "<h2>Un paragraphe</h2>"), context: context)
        },
        RenderedPage("error page", shows: [h, w]) {
            ErrorPage.view(.init(status: .notFound, title: h, paragraphs: [w], detail: nil), context: context)
        },
    ]

    @Test(arguments: pages)
    func rendersWithoutADatabaseAndEscapesWhatItShows(_ page: RenderedPage) {
        let html = page.render()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<h1").count == 2, "one <h1>")
        // Plot writes an apostrophe of its own text as it is.
        let readable = html.replacingOccurrences(of: "&#39;", with: "'")
        for text in page.shows {
            #expect(readable.contains(escapeAttribute(text).replacingOccurrences(of: "&#39;", with: "'")),
                    "\(page.name) shows \(text)")
        }
        #expect(!html.contains("<script>alert"), "text is escaped")
        #expect(!html.contains(#"" onmouseover="x""#), "attributes are escaped")
        // design/ui.md: the debate's pages quote the name under debate, and nothing else does.
        if page.name.hasPrefix("naming") || page.name == "a proposed name" {
            #expect(NamingDebateTests.quotesTheTermOnly(html))
        } else {
            #expect(!html.lowercased().contains("bénéficiaire"))
        }
    }

    @Test func everyPageOfTheSiteHasAView() {
        #expect(Self.pages.count >= 40)
        #expect(Set(Self.pages.map(\.name)).count == Self.pages.count)
    }

    @Test func theHomePageShowsEverySection() {
        let html = HomePage.View(context: .mock, model: .mock).render().render()
        #expect(html.contains("Clos, en attente des détenteurs de clés"))
        #expect(html.contains("mardi 12 mars 2027 de 14 h à 16 h 30"))
        #expect(html.contains("Les dernières réponses du Département"))
    }

    @Test func anEmptyHomePageLeavesOutWhatIsNotHappening() {
        let html = HomePage.View(context: .mock, model: HomePage.Model()).render().render()
        #expect(!html.contains("En ce moment"))
        #expect(!html.contains("Les dernières réponses"))
        #expect(html.contains("Comment participer ?"))
    }

    /// The session page takes its clock from its model: answers close when the session starts.
    @Test func theSessionPageReadsItsClockFromItsModel() {
        var model = Mock.meetingShow
        #expect(MeetingPages.show(model, context: .mock).render().contains("Viendrez-vous ?"))
        model.now = model.meeting.startsAt.addingTimeInterval(60)
        #expect(!MeetingPages.show(model, context: .mock).render().contains("Viendrez-vous ?"))
    }
}
