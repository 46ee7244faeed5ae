import Vapor

// The whole URL space of the HTML site: first every address, then who may
// use each one and which handler answers it.

extension SiteURL {
    var segments: [PathSegment] {
        switch self {
        case .home: []
        case .siteMap: ["plan-du-site"]
        case .health: ["healthz"]
        case .metrics: ["metrics"]
        case .content(let slug): [.constant(slug.rawValue)]

        case .signIn: ["connexion"]
        case .signOut: ["deconnexion"]
        case .activation: ["activation"]
        case .activationAccount: ["activation", "compte"]
        case .activationCharter: ["activation", "charte"]
        case .installation: ["installation"]

        case .myAccount(let page): ["mon-compte"] + page.segments
        case .apiTokens: ["mon-compte", "jetons"]
        case .apiTokenRevocation(let id): ["mon-compte", "jetons", .parameter(.apiToken, id), "revocation"]
        case .admin(let page): ["admin"] + page.segments
        case .adminMember(let id, let page):
            ["admin", "membres", .parameter(.member, id)] + page.segments
        case .territory(let id): ["admin", "territoires", .parameter(.listItem, id)]
        case .theme(let id): ["admin", "themes", .parameter(.listItem, id)]
        case .cardReplacement(let id): ["admin", "cartes", "remplacement", .parameter(.replacement, id), "confirmer"]
        case .cardReplacementPrint(let id): ["admin", "cartes", "remplacement", .parameter(.replacement, id), "imprimer"]

        case .proposals: ["propositions"]
        case .newProposal: ["propositions", "nouvelle"]
        case .myProposals: ["propositions", "miennes"]
        case .paperProposal: ["propositions", "papier"]
        case .paperToConfirm: ["propositions", "papier", "a-confirmer"]
        case .followUp: ["suivi"]
        case .moderation: ["moderation"]
        case .proposal(let id, let page):
            ["propositions", .parameter(.proposal, id)] + page.segments
        case .commentModeration(let proposal, let comment):
            ["propositions", .parameter(.proposal, proposal), "commentaires", .parameter(.comment, comment), "moderation"]
        case .commentEdit(let proposal, let comment):
            ["propositions", .parameter(.proposal, proposal), "commentaires", .parameter(.comment, comment), "modifier"]
        case .commentReport(let proposal, let comment):
            ["propositions", .parameter(.proposal, proposal), "commentaires", .parameter(.comment, comment), "signalement"]
        case .proposalVisibility(let id): ["moderation", "propositions", .parameter(.proposal, id)]
        case .commentVisibility(let id): ["moderation", "commentaires", .parameter(.comment, id)]
        case .proposalRedaction(let id): ["moderation", "propositions", .parameter(.proposal, id), "modifier"]
        case .commentRedaction(let id): ["moderation", "commentaires", .parameter(.comment, id), "modifier"]
        case .proposalReviewed(let id): ["moderation", "propositions", .parameter(.proposal, id), "relue"]
        case .commentReviewed(let id): ["moderation", "commentaires", .parameter(.comment, id), "relu"]
        case .moderationJournal: ["moderation", "journal"]
        case .transparency: ["moderation", "transparence"]

        case .meetings: ["seances"]
        case .newMeeting: ["seances", "nouvelle"]
        case .calendar: ["seances.ics"]
        case .meeting(let id, .calendarFile): ["seances", .parameter(.meeting, id, suffix: ".ics")]
        case .meeting(let id, let page):
            ["seances", .parameter(.meeting, id)] + page.segments
        case .agendaItem(let meeting, let item, let page):
            ["seances", .parameter(.meeting, meeting), "points", .parameter(.agendaItem, item)] + page.segments

        case .namingDebate: ["debat-denomination"]
        case .namingNames: ["debat-denomination", "noms"]
        case .namingName(let id): ["debat-denomination", "noms", .parameter(.proposedName, id)]
        case .namingOpinion(let id): ["debat-denomination", "noms", .parameter(.proposedName, id), "avis"]
        case .namingRounds: ["debat-denomination", "ressenti"]
        case .namingDecision: ["debat-denomination", "vote"]
        case .namingAnswer: ["debat-denomination", "reponse"]
        case .namingSynthesis: ["debat-denomination", "synthese"]
        case .namingNameModeration(let id): ["moderation", "noms", .parameter(.proposedName, id)]
        case .namingOpinionModeration(let id): ["moderation", "avis", .parameter(.opinion, id)]

        case .exports: ["exports"]
        case .exportFile: ["exports", "fichier"]
        case .activityReport: ["exports", "rapport-activite"]

        case .polls: ["scrutins"]
        case .newPoll: ["scrutins", "nouveau"]
        case .poll(let id, let page):
            ["scrutins", .parameter(.poll, id)] + page.segments
        case .listen(let page): ["ecouter"] + page.segments
        case .kiosk(let page): ["borne"] + page.segments
        }
    }
}

extension PathSegment: ExpressibleByStringLiteral {
    init(stringLiteral value: String) { self = .constant(value) }
}

func routes(_ app: Application) throws {
    let site = SiteRouter(routes: app)
    let organisers = AccessRule.anyRole(Role.organisers)
    let admin = AccessRule.role(.admin)
    let moderator = AccessRule.role(.moderator)

    site.get(.home, use: HomeController().show)
    site.get(.health, use: HealthController().check)
    site.get(.metrics, use: MetricsController().metrics)
    site.get(.siteMap, use: { SiteMapPage.view(context: $0.pageContext) })
    let content = ContentController(store: app.contentStore)
    for slug in SiteURL.ContentSlug.allCases {
        site.get(.content(slug), use: { try content.show(slug.rawValue, request: $0) })
    }

    let signIn = SignInController()
    site.get(.signIn, use: signIn.show)
    site.post(.signIn, use: signIn.signIn)
    site.post(.signOut, use: signIn.signOut)

    let activation = ActivationController()
    site.get(.activation, use: activation.showCode)
    site.post(.activation, use: activation.checkCode)
    site.get(.activationAccount, use: activation.showAccount)
    site.post(.activationAccount, use: activation.createAccount)
    let charter = CharterController()
    site.get(.activationCharter, .memberBeforeCharter, use: charter.showCharter)
    site.post(.activationCharter, .memberBeforeCharter, use: charter.acceptCharter)

    let installation = InstallationController()
    site.get(.installation, use: installation.show)
    site.post(.installation, use: installation.install)

    let account = MyAccountController()
    site.get(.myAccount(.show), .member, use: account.show)
    site.post(.myAccount(.pseudonym), .member, use: account.changePseudonym)
    site.post(.myAccount(.password), .member, use: account.changePassword)
    site.get(.myAccount(.data), .member, use: account.downloadData)
    site.post(.myAccount(.deletion), .member, use: account.deleteAccount)

    let notifications = NotificationsController()
    site.get(.myAccount(.notifications), .member, use: notifications.show)
    site.post(.myAccount(.notificationsRead), .member, use: notifications.markAllRead)

    let administration = AdminController()
    site.get(.admin(.dashboard), organisers, use: administration.dashboard)
    site.get(.admin(.journal), admin, use: administration.journal)
    let members = MembersController()
    site.get(.admin(.members), admin, use: members.members)
    site.get(.adminMember(.key, .show), admin, use: members.member)
    site.post(.adminMember(.key, .roles), admin, use: members.updateRoles)
    site.post(.adminMember(.key, .status), admin, use: members.updateStatus)
    let lists = ListsController()
    site.get(.admin(.lists), admin, use: lists.lists)
    site.post(.admin(.territories), admin, use: lists.addTerritory)
    site.post(.territory(.key), admin, use: lists.renameTerritory)
    site.post(.admin(.themes), admin, use: lists.addTheme)
    site.post(.theme(.key), admin, use: lists.renameTheme)

    let settings = SiteSettingsController()
    site.get(.admin(.settings), admin, use: settings.show)
    site.post(.admin(.settings), admin, use: settings.save)
    site.post(.admin(.settingsAddress), admin, use: settings.saveAddress)

    let cards = AccessCardsController()
    site.get(.admin(.cards), organisers, use: cards.show)
    site.post(.admin(.cards), organisers, use: cards.create)
    site.post(.admin(.cardAddress), admin, use: cards.saveAddress)
    let replacements = CardReplacementsController()
    site.post(.admin(.cardReplacements), organisers, use: replacements.createReplacement)
    site.post(.cardReplacement(.key), organisers, use: replacements.confirmReplacement)
    site.post(.cardReplacementPrint(.key), organisers, use: replacements.printReplacement)
    site.post(.admin(.cardUnblock), organisers, use: replacements.liftSignInBlock)

    let proposals = ProposalsController()
    site.get(.proposals, use: proposals.list)
    site.get(.followUp, use: proposals.followUp)
    site.get(.myProposals, .member, use: proposals.mine)
    site.get(.proposal(.key, .show), use: proposals.show)
    let proposalForms = ProposalFormController()
    site.get(.newProposal, .member, use: proposalForms.newForm)
    site.post(.newProposal, .member, use: proposalForms.create)
    site.get(.paperProposal, organisers, use: proposalForms.paperForm)
    site.post(.paperProposal, organisers, use: proposalForms.createPaper)
    site.get(.proposal(.key, .edit), .member, use: proposalForms.editForm)
    site.post(.proposal(.key, .edit), .member, use: proposalForms.update)
    site.post(.proposal(.key, .status), .member, use: ProposalStatusController().changeStatus)
    let discussion = DiscussionController()
    site.post(.proposal(.key, .support), .member, use: discussion.toggleSupport)
    site.post(.proposal(.key, .comments), .member, use: discussion.addComment)
    let commentEdit = CommentEditController()
    site.get(.commentEdit(proposal: .key, comment: .key), .member, use: commentEdit.form)
    site.post(.commentEdit(proposal: .key, comment: .key), .member, use: commentEdit.update)
    let moderation = ModerationController()
    site.get(.moderation, moderator, use: moderation.moderationQueue)
    site.post(.commentModeration(proposal: .key, comment: .key), moderator, use: moderation.moderateComment)
    let reports = ReportsController()
    site.post(.proposal(.key, .report), .member, use: reports.reportProposal)
    site.post(.commentReport(proposal: .key, comment: .key), .member, use: reports.reportComment)
    site.post(.proposalVisibility(.key), moderator, use: reports.decideOnProposal)
    site.post(.commentVisibility(.key), moderator, use: reports.decideOnComment)
    site.post(.proposalReviewed(.key), moderator, use: moderation.markProposalReviewed)
    site.post(.commentReviewed(.key), moderator, use: moderation.markCommentReviewed)
    let redaction = RedactionController()
    site.get(.proposalRedaction(.key), moderator, use: redaction.proposalForm)
    site.post(.proposalRedaction(.key), moderator, use: redaction.redactProposal)
    site.get(.commentRedaction(.key), moderator, use: redaction.commentForm)
    site.post(.commentRedaction(.key), moderator, use: redaction.redactComment)
    let transparency = TransparencyController()
    site.get(.moderationJournal, moderator, use: transparency.journal)
    site.get(.transparency, use: transparency.transparency)

    let debate = NamingDebateController()
    let stewards = NamingStewardsController()
    site.get(.namingDebate, use: debate.show)
    site.post(.namingNames, .member, use: debate.proposeName)
    site.get(.namingName(.key), use: debate.showName)
    site.post(.namingOpinion(.key), .member, use: debate.giveOpinion)
    site.post(.namingRounds, organisers, use: stewards.openRound)
    site.post(.namingDecision, organisers, use: stewards.openDecision)
    site.post(.namingAnswer, .role(.staff), use: stewards.publishAnswer)
    site.get(.namingSynthesis, .role(.staff), use: stewards.synthesis)
    site.post(.namingNameModeration(.key), moderator, use: stewards.moderateName)
    site.post(.namingOpinionModeration(.key), moderator, use: stewards.moderateOpinion)

    let exports = ExportsController()
    // Staff export what is public; facilitators only the attendance (`ExportDataset.available`).
    site.get(.exports, .anyRole([.staff, .admin, .facilitator]), use: exports.show)
    site.get(.exportFile, .anyRole([.staff, .admin, .facilitator]), use: exports.download)
    site.get(.activityReport, .anyRole([.staff, .admin, .facilitator]), use: ActivityReportController().show)

    try ReadAPI.register(on: app)
    let tokens = APITokensController()
    let tokenHolders = AccessRule.anyRole(APITokens.holders)
    site.get(.apiTokens, tokenHolders, use: tokens.show)
    site.post(.apiTokens, tokenHolders, use: tokens.create)
    site.post(.apiTokenRevocation(.key), tokenHolders, use: tokens.revoke)

    let paper = PaperAttributionController()
    site.get(.paperToConfirm, .member, use: paper.show)
    site.post(.proposal(.key, .paperAnswer), .member, use: paper.answer)

    let meetings = MeetingsController()
    let calendar = MeetingCalendarController()
    site.get(.meetings, use: meetings.list)
    // Also serves `.meeting(id, .calendarFile)` (/seances/{id}.ics): the router has one parameter per place.
    site.get(.meeting(.key, .show), use: { request async throws -> Response in
        request.parameters.get(ParamName.meeting.rawValue)?.hasSuffix(".ics") == true
            ? try await calendar.oneCalendar(request: request) : try await meetings.show(request: request)
    })
    site.post(.meeting(.key, .reply), .member, use: meetings.respond)
    site.get(.calendar, use: calendar.calendarFeed)
    let projector = ProjectorController()
    site.get(.meeting(.key, .projection), use: projector.projection)
    let planning = MeetingPlanningController()
    site.get(.newMeeting, organisers, use: planning.newForm)
    site.post(.newMeeting, organisers, use: planning.create)
    site.get(.meeting(.key, .edit), organisers, use: planning.editForm)
    site.post(.meeting(.key, .edit), organisers, use: planning.update)
    site.post(.meeting(.key, .status), organisers, use: planning.changeStatus)
    let agenda = AgendaController()
    site.post(.meeting(.key, .agenda), organisers, use: agenda.addItem)
    site.post(.agendaItem(meeting: .key, item: .key, .edit), organisers, use: agenda.editItem)
    site.post(.agendaItem(meeting: .key, item: .key, .move), organisers, use: agenda.moveItem)
    site.post(.agendaItem(meeting: .key, item: .key, .current), organisers, use: agenda.setCurrentItem)
    site.post(.agendaItem(meeting: .key, item: .key, .delete), organisers, use: agenda.deleteItem)
    site.post(.meeting(.key, .linkProposal), organisers, use: agenda.linkProposal)
    let attendance = AttendanceController()
    site.get(.meeting(.key, .attendance), organisers, use: attendance.attendanceForm)
    site.get(.meeting(.key, .attendanceSheet), organisers, use: attendance.attendanceSheet)
    site.post(.meeting(.key, .attendance), organisers, use: attendance.saveAttendance)
    let kiosk = KioskController()
    site.post(.meeting(.key, .kiosk), organisers, use: kiosk.start)
    site.post(.meeting(.key, .kioskEnd), organisers, use: kiosk.end)
    site.get(.kiosk(.welcome), use: kiosk.welcome)
    site.post(.kiosk(.moreTime), use: kiosk.moreTime)
    site.post(.kiosk(.done), use: kiosk.done)
    // The cover shown when the time is up links here: a kiosk's sign-out needs no form.
    site.get(.kiosk(.done), use: kiosk.done)
    let minutes = MinutesController()
    site.get(.meeting(.key, .printableMinutes), use: minutes.printableMinutes)
    site.get(.meeting(.key, .report), use: MeetingReportController().report)
    site.get(.meeting(.key, .minutes), organisers, use: minutes.minutesForm)
    site.post(.meeting(.key, .minutes), organisers, use: minutes.saveMinutes)

    let polls = PollsController()
    site.get(.polls, use: polls.list)
    site.get(.poll(.key, .show), use: polls.show)
    site.get(.newPoll, organisers, use: polls.newForm)
    site.post(.newPoll, organisers, use: polls.create)
    site.post(.poll(.key, .status), organisers, use: polls.changeStatus)
    let ballots = BallotsController()
    site.post(.poll(.key, .confirm), .member, use: ballots.confirm)
    site.post(.poll(.key, .change), .member, use: ballots.changeChoice)
    site.post(.poll(.key, .vote), .member, use: ballots.vote)
    let trackers = TrackersController()
    site.get(.poll(.key, .trackers), use: trackers.trackers)
    site.post(.poll(.key, .trackers), use: trackers.verifyTracker)
    let paperBallots = PaperBallotsController()
    site.get(.poll(.key, .paper), organisers, use: paperBallots.paperPage)
    site.post(.poll(.key, .paperVoters), organisers, use: paperBallots.paperVoters)
    site.post(.poll(.key, .paperBallots), organisers, use: paperBallots.paperBallot)
    let count = PollCountController()
    // Key holders are often members without a role: the handlers check who may see what.
    site.get(.poll(.key, .count), .member, use: count.countForm)
    site.post(.poll(.key, .count), .member, use: count.countWithShares)
    site.get(.poll(.key, .myShare), .member, use: count.myShareForm)
    site.post(.poll(.key, .myShare), .member, use: count.fetchMyShare)

    let easy = EasyReadingController()
    site.get(.proposal(.key, .easyAnswer), .role(.staff), use: easy.answerForm)
    site.post(.proposal(.key, .easyAnswer), .role(.staff), use: easy.saveAnswer)
    site.post(.proposal(.key, .understanding), .member, use: easy.understanding)
    // Written while the poll is a draft, which only its organisers see.
    site.get(.poll(.key, .easyQuestion), organisers, use: easy.questionForm)
    site.post(.poll(.key, .easyQuestion), organisers, use: easy.saveQuestion)

    let listen = ListenController()
    site.get(.listen(.proposal(.key)), use: listen.handler(.proposal) { .proposal($0) })
    site.get(.listen(.meeting(.key)), use: listen.handler(.meeting) { .meeting($0) })
    site.get(.listen(.poll(.key)), use: listen.handler(.poll) { .poll($0) })
    site.get(.listen(.name(.key)), use: listen.handler(.proposedName) { .name($0) })
    site.get(.listen(.debate), use: { try await listen.listen(.debate, request: $0) })
    for slug in SiteURL.ContentSlug.allCases {
        site.get(.listen(.content(slug)), use: { try await listen.listen(.content(slug.rawValue), request: $0) })
    }
}
