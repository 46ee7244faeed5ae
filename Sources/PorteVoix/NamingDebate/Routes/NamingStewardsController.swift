import Fluent
import Plot
import Vapor

/// The debate's organisers: facilitators ask the feeling question and open
/// the decision vote, staff answer, moderators review names and opinions.
struct NamingStewardsController {
    struct RoundForm: Content {
        var debutJour: String?
        var debutHeure: String?
        var finJour: String?
        var finHeure: String?
    }

    func openRound(request: Request) async throws -> Response {
        let form = (try? request.content.decode(RoundForm.self)) ?? RoundForm()
        var errors = FormErrors()
        let opens = MeetingTime.instant(day: form.debutJour ?? "", time: form.debutHeure ?? "09:00")
        let closes = MeetingTime.instant(day: form.finJour ?? "", time: form.finHeure ?? "18:00")
        if case .failure = opens { errors.add("debutJour", "Indiquez la date d'ouverture, par exemple 2026-12-01.") }
        if case .failure = closes { errors.add("finJour", "Indiquez la date de clôture, par exemple 2026-12-15.") }
        if case .success(let start) = opens, case .success(let end) = closes, end <= start {
            errors.add("finJour", "La clôture doit venir après l'ouverture.")
        }
        if case .success(let start) = opens, case .success(let end) = closes, end > start {
            // Periods follow one another: a member answers each once, and the movement between them means something.
            let rounds = try await NamingRound.query(on: request.db).with(\.$poll).all()
            if rounds.contains(where: { ($0.poll.closesAt ?? .distantFuture) > start && ($0.poll.opensAt ?? .distantPast) < end }) {
                errors.add("debutJour", "Une autre période de la question couvre déjà ces dates : choisissez-en d'autres.")
            }
        }
        guard errors.isEmpty, case .success(let start) = opens, case .success(let end) = closes else {
            var model = try await DebateQueries.model(request)
            model.errors = errors
            model.typedRound = [form.debutJour, form.debutHeure, form.finJour, form.finHeure].map { $0 ?? "" }
            return DebatePage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let poll = try await FeelingQuestion.openRound(opensAt: start, closesAt: end,
                                                       master: request.application.siteKeys.ballotMaster, now: request.now, on: request.db)
        try await request.audit(.pollCreate, about: .poll(try poll.requireID()))
        try await request.setFlash("La question est prête : elle s'ouvrira le \(FrenchDates.dayAndTime(start)).")
        return request.redirect(to: .namingDebate, fragment: "ressenti")
    }

    func openDecision(request: Request) async throws -> Response {
        let chosen = ((try? request.content.get([String].self, at: "noms")) ?? []).prefix(50).compactMap(UUID.init(uuidString:))
        let typedMeeting = (try? request.content.get(String.self, at: "seance")).flatMap(UUID.init(uuidString:))
        // Only a session still to come (or in progress) can hold the vote.
        let meeting = try await typedMeeting.asyncFlatMap {
            try await Meeting.query(on: request.db).filter(\.$id == $0).filter(\.$status ~~ [.planned, .inProgress]).first()
        }
        switch try await NamingShortlist.candidates(chosen: chosen, on: request.db) {
        case .failure(let problem):
            var model = try await DebateQueries.model(request)
            model.errors.add("noms", problem.message)
            model.chosen = Set(chosen)
            model.chosenMeeting = typedMeeting
            return DebatePage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        case .success(let names):
            let poll = try await request.db.transaction { database -> Poll? in
                // A write first: two facilitators clicking together prepare one vote.
                try await database.sql.raw("UPDATE proposed_names SET is_current = is_current WHERE is_current = \(bind: true)").run()
                guard try await NamingShortlist.mayPrepareVote(on: database) else { return nil }
                return try await NamingShortlist.openVote(names, opensAt: nil, closesAt: nil, meetingID: meeting?.id,
                                                          master: request.application.siteKeys.ballotMaster, now: request.now, on: database)
            }
            guard let poll else {
                throw PageError(.conflict, title: "Le vote est déjà préparé",
                                message: "Un seul vote à la fois : un nouveau se prépare seulement si le précédent a eu trop peu de votes. "
                                    + "Rechargez la page du débat.")
            }
            try await request.audit(.pollCreate, about: .poll(try poll.requireID()))
            try await request.setFlash("Le vote est préparé avec \(names.count) noms. Ouvrez-le quand le moment est venu.")
            return request.redirect(to: .poll(try poll.requireID()))
        }
    }

    func publishAnswer(request: Request) async throws -> Response {
        let text = TextInput.clean(String(((try? request.content.get(String.self, at: "reponse")) ?? "")
            .prefix(NamingAnswer.maximumLength * 2)), multiline: true)
        var errors = FormErrors()
        if text.count < 10 { errors.add("reponse", "Écrivez ce que le Département décide.") }
        else if text.count > NamingAnswer.maximumLength {
            errors.add("reponse", "La réponse est trop longue : \(NamingAnswer.maximumLength) caractères au plus.")
        }
        guard errors.isEmpty else {
            var model = try await DebateQueries.model(request)
            model.errors = errors
            model.typedAnswer = String(((try? request.content.get(String.self, at: "reponse")) ?? "").prefix(NamingAnswer.maximumLength * 2))
            return DebatePage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await request.db.transaction { database in
            try await NamingAnswer(text: text, authorID: request.member?.id, at: request.now).create(on: database)
            let members = try await Member.query(on: database).filter(\.$status == .active).all()
            for member in members {
                try await Notifier.notify(member.id, "Le Département a répondu au débat sur le nom.",
                                          link: .namingDebate, fragment: "reponse", at: request.now, on: database)
            }
        }
        try await request.setFlash("La réponse est publiée. Les membres sont prévenus.")
        return request.redirect(to: .namingDebate, fragment: "reponse")
    }

    func synthesis(request: Request) async throws -> HTML {
        let debate = try await DebateQueries.model(request)
        let opinions = try await NameOpinion.query(on: request.db).filter(\.$status == .published).filter(\.$text != "")
            .with(\.$member).sort(\.$updatedAt).all()
        let blocks = debate.names.map { name in
            SynthesisPage.NameBlock(name: name, opinions: opinions.filter { $0.$proposedName.id == name.id }
                .map { NamePage.Opinion(stance: $0.stance, text: $0.text, authorName: $0.authorName) })
        }
        return SynthesisPage.view(.init(debate: debate, names: blocks, generatedAt: request.now), context: request.pageContext)
    }

    // MARK: Moderation

    struct DecisionForm: Content {
        var decision: String?
        var motif: String?
    }

    func moderateName(request: Request) async throws -> Response {
        guard let id = request.id(.proposedName), let name = try await ProposedName.find(id, on: request.db),
              !name.isCurrent
        else { throw Abort(.notFound) }
        let (status, reason) = try decision(request)
        // Waiting: published or refused. Published: a moderator may still take it down (refused, with a reason).
        let takenDown = name.status == .published && status == .rejected
        guard name.status == .submitted || takenDown else {
            throw PageError(.conflict, title: "Ce nom a déjà été relu", message: "Une autre personne a pris la décision. Rechargez la page.")
        }
        if name.$author.id == request.member?.id {
            throw PageError(.forbidden, title: "Vous ne pouvez pas relire votre propre proposition",
                            message: "Une autre modératrice ou un autre modérateur prendra la décision.")
        }
        try await request.db.transaction { database in
            try await NamingModeration.decide(name, status, reason: reason, now: request.now, on: database)
            try await request.audit(status == .published ? .namePublish : .nameReject, about: .name(id),
                                    reason.map { ["reason": $0.rawValue] } ?? [:], on: database)
            try await Notifier.notify(name.$author.id, status == .published
                ? "Le nom « \(name.name) » que vous avez proposé est publié : les membres peuvent donner leur avis."
                : takenDown ? "Le nom « \(name.name) » que vous avez proposé a été retiré par l'équipe de modération (\(reason?.label ?? ""))."
                : "Le nom « \(name.name) » que vous avez proposé n'a pas été publié (\(reason?.label ?? "")).",
                link: status == .published ? .namingName(id) : .namingDebate, at: request.now, on: database)
        }
        try await request.setFlash(status == .published ? "Le nom est publié." : takenDown ? "Le nom est retiré." : "Le nom est refusé.")
        return takenDown ? request.redirect(to: .namingDebate, fragment: "noms") : request.redirect(to: .moderation, fragment: "debat")
    }

    func moderateOpinion(request: Request) async throws -> Response {
        guard let id = request.id(.opinion), let opinion = try await NameOpinion.query(on: request.db).filter(\.$id == id)
            .with(\.$proposedName).first()
        else { throw Abort(.notFound) }
        let (status, reason) = try decision(request)
        let takenDown = opinion.status == .published && status == .rejected && !opinion.text.isEmpty
        guard opinion.status == .submitted || takenDown else {
            throw PageError(.conflict, title: "Cet avis a déjà été relu", message: "Une autre personne a pris la décision. Rechargez la page.")
        }
        if opinion.$member.id == request.member?.id {
            throw PageError(.forbidden, title: "Vous ne pouvez pas relire votre propre avis",
                            message: "Une autre modératrice ou un autre modérateur prendra la décision.")
        }
        // The text the moderator read: a member who changed it meanwhile sends it back to the queue.
        let read = (try? request.content.get(String.self, at: "version")) ?? ""
        guard read == NamingModeration.version(of: opinion) else {
            throw PageError(.conflict, title: "Cet avis vient de changer",
                            message: "Son auteur l'a modifié pendant votre relecture. Rechargez la file pour lire le nouveau texte.")
        }
        try await request.db.transaction { database in
            guard try await NamingModeration.decide(opinion, status, reason: reason, on: database) else {
                throw PageError(.conflict, title: "Cet avis vient de changer",
                                message: "Son auteur l'a modifié pendant votre relecture, ou une autre personne l'a relu. Rechargez la file.")
            }
            try await request.audit(status == .published ? .opinionPublish : .opinionReject, about: .opinion(id),
                                    reason.map { ["reason": $0.rawValue] } ?? [:], on: database)
            let what = opinion.proposedName.isCurrent ? "le nom actuel" : "« \(opinion.proposedName.name) »"
            try await Notifier.notify(opinion.$member.id, status == .published
                ? "Votre avis sur \(what) est publié."
                : "Le texte de votre avis sur \(what) n'a pas été publié (\(reason?.label ?? "")). "
                    + "Votre position ne compte pas tant que le texte n'est pas changé ou retiré.",
                link: .namingName(opinion.$proposedName.id), at: request.now, on: database)
        }
        try await request.setFlash(status == .published ? "L'avis est publié." : takenDown ? "L'avis est retiré." : "L'avis est refusé.")
        return takenDown ? request.redirect(to: .namingName(opinion.$proposedName.id)) : request.redirect(to: .moderation, fragment: "debat")
    }

    /// Publish, or refuse with a reason from the list.
    private func decision(_ request: Request) throws -> (DebateTextStatus, ModerationReason?) {
        let form = (try? request.content.decode(DecisionForm.self)) ?? DecisionForm()
        switch form.decision {
        case "publier": return (.published, nil)
        case "refuser":
            guard let reason = form.motif.flatMap(ModerationReason.init(rawValue:)) else {
                throw PageError(.unprocessableEntity, title: "Choisissez la raison",
                                message: "Pour refuser, choisissez la raison que l'auteur lira. Revenez en arrière et réessayez.")
            }
            return (.rejected, reason)
        default: throw Abort(.badRequest)
        }
    }
}
