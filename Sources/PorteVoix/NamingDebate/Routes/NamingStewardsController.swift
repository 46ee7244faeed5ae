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
        guard errors.isEmpty, case .success(let start) = opens, case .success(let end) = closes else {
            var model = try await NamingDebateController().model(request)
            model.errors = errors
            return DebatePage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let poll = try await FeelingQuestion.openRound(opensAt: start, closesAt: end,
                                                       master: request.application.siteKeys.ballotMaster, on: request.db)
        try await request.audit("poll.create", about: .poll(try poll.requireID()))
        try await request.setFlash("La question est prête : elle s'ouvrira le \(FrenchDates.dayAndTime(start)).")
        return request.redirect(to: .namingDebate, fragment: "ressenti")
    }

    func openDecision(request: Request) async throws -> Response {
        let chosen = ((try? request.content.get([String].self, at: "noms")) ?? []).prefix(50).compactMap(UUID.init(uuidString:))
        let typedMeeting = (try? request.content.get(String.self, at: "seance")).flatMap(UUID.init(uuidString:))
        let meeting = try await typedMeeting.asyncFlatMap { try await Meeting.find($0, on: request.db) }
        switch try await NamingShortlist.candidates(chosen: chosen, on: request.db) {
        case .failure(let problem):
            var model = try await NamingDebateController().model(request)
            model.errors.add("noms", problem.message)
            model.chosen = Set(chosen)
            return DebatePage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        case .success(let names):
            if try await NamingDecision.query(on: request.db).count() > 0 {
                throw PageError(.conflict, title: "Le vote est déjà préparé", message: "Il n'y a qu'un vote final. Rechargez la page.")
            }
            let poll = try await NamingShortlist.openVote(names, opensAt: nil, closesAt: nil, meetingID: meeting?.id,
                                                          master: request.application.siteKeys.ballotMaster, on: request.db)
            try await request.audit("poll.create", about: .poll(try poll.requireID()))
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
            var model = try await NamingDebateController().model(request)
            model.errors = errors
            return DebatePage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await request.db.transaction { database in
            try await NamingAnswer(text: text, authorID: request.member?.id).create(on: database)
            let members = try await Member.query(on: database).filter(\.$status == .active).all()
            for member in members {
                try await Notifier.notify(member.id, "Le Département a répondu au débat sur le nom « bénéficiaire du RSA ».",
                                          link: .namingDebate, fragment: "reponse", on: database)
            }
        }
        try await request.setFlash("La réponse est publiée. Les membres sont prévenus.")
        return request.redirect(to: .namingDebate, fragment: "reponse")
    }

    func synthesis(request: Request) async throws -> HTML {
        let debate = try await NamingDebateController().model(request)
        let opinions = try await NameOpinion.query(on: request.db).filter(\.$status == .published).filter(\.$text != "")
            .with(\.$member).sort(\.$updatedAt).all()
        let blocks = debate.names.map { name in
            SynthesisPage.NameBlock(name: name, opinions: opinions.filter { $0.$proposedName.id == name.id }
                .map { NamePage.Opinion(stance: $0.stance, text: $0.text, authorName: $0.authorName) })
        }
        return SynthesisPage.view(.init(debate: debate, names: blocks, generatedAt: Date()), context: request.pageContext)
    }

    // MARK: Moderation

    struct DecisionForm: Content {
        var decision: String?
        var motif: String?
    }

    func moderateName(request: Request) async throws -> Response {
        guard let id = request.id(.proposedName), let name = try await ProposedName.find(id, on: request.db) else { throw Abort(.notFound) }
        guard name.status == .submitted else {
            throw PageError(.conflict, title: "Ce nom a déjà été relu", message: "Une autre personne a pris la décision. Rechargez la page.")
        }
        if name.$author.id == request.member?.id {
            throw PageError(.forbidden, title: "Vous ne pouvez pas relire votre propre proposition",
                            message: "Une autre modératrice ou un autre modérateur prendra la décision.")
        }
        let (status, reason) = try decision(request)
        name.status = status
        name.moderationReason = reason
        if status == .published { name.publishedAt = Date() }
        try await request.db.transaction { database in
            try await name.save(on: database)
            try await request.audit(status == .published ? "name.publish" : "name.reject", about: .name(id),
                                    reason.map { ["reason": $0.rawValue] } ?? [:], on: database)
            try await Notifier.notify(name.$author.id, status == .published
                ? "Le nom « \(name.name) » que vous avez proposé est publié : les membres peuvent donner leur avis."
                : "Le nom « \(name.name) » que vous avez proposé n'a pas été publié (\(reason?.label ?? "")).",
                link: status == .published ? .namingName(id) : .namingDebate, on: database)
        }
        try await request.setFlash(status == .published ? "Le nom est publié." : "Le nom est refusé.")
        return request.redirect(to: .moderation, fragment: "debat")
    }

    func moderateOpinion(request: Request) async throws -> Response {
        guard let id = request.id(.opinion), let opinion = try await NameOpinion.query(on: request.db).filter(\.$id == id)
            .with(\.$proposedName).first()
        else { throw Abort(.notFound) }
        guard opinion.status == .submitted else {
            throw PageError(.conflict, title: "Cet avis a déjà été relu", message: "Une autre personne a pris la décision. Rechargez la page.")
        }
        if opinion.$member.id == request.member?.id {
            throw PageError(.forbidden, title: "Vous ne pouvez pas relire votre propre avis",
                            message: "Une autre modératrice ou un autre modérateur prendra la décision.")
        }
        let (status, reason) = try decision(request)
        opinion.status = status
        opinion.moderationReason = reason
        try await request.db.transaction { database in
            try await opinion.save(on: database)
            try await request.audit(status == .published ? "opinion.publish" : "opinion.reject", about: .opinion(id),
                                    reason.map { ["reason": $0.rawValue] } ?? [:], on: database)
            try await Notifier.notify(opinion.$member.id, status == .published
                ? "Votre avis sur « \(opinion.proposedName.name) » est publié."
                : "Le texte de votre avis sur « \(opinion.proposedName.name) » n'a pas été publié (\(reason?.label ?? "")). "
                    + "Vous pouvez le changer.",
                link: .namingName(opinion.$proposedName.id), on: database)
        }
        try await request.setFlash(status == .published ? "L'avis est publié." : "L'avis est refusé.")
        return request.redirect(to: .moderation, fragment: "debat")
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
