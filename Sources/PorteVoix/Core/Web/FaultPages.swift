import Plot
import Vapor

/// What a person reads when the database could not do what they asked
/// (`DatabaseFault`): a 503 with `Retry-After`, in plain French, with what
/// they typed kept. A ballot is the exception: its page never repeats the
/// choice, and says whether the vote was counted, or that it cannot be known.
enum FaultPages {
    static let cannotSave = "Le site ne peut pas enregistrer pour le moment."
    static let textKept = "Votre texte est ci-dessous : il n'est pas perdu. Réessayez dans quelques minutes."

    /// The notice on top of a form shown again with what was typed (under the heading `cannotSave`).
    static func formNotice(_ fault: DatabaseFault) -> [String] {
        var lines = [textKept]
        if fault.mayHaveCommitted {
            lines.append("La liaison avec la base de données a été coupée pendant l'envoi : il se peut que ce soit enregistré. "
                + "Vérifiez avant d'envoyer à nouveau.")
        }
        return lines
    }

    /// A path's segments as the router reads them: empty ones dropped, case ignored.
    static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { $0.lowercased() }
    }

    /// Where a ballot is cast: the page there must never show the choice.
    /// Returns the poll's own page, which reads the register.
    static func ballotPoll(of path: String) -> SiteURL? {
        let parts = segments(path)
        guard parts.count >= 3, parts[0] == "scrutins", let id = UUID(uuidString: parts[1]) else { return nil }
        let ballotPages: [SiteURL.PollPage] = [.vote, .confirm, .change, .paperBallots]
        return ballotPages.contains { segments(SiteURL.poll(id, $0).path) == parts } ? .poll(id) : nil
    }

    /// No typed text comes back under `/scrutins/` but on the form that creates a
    /// poll: the other forms there carry choices (`choix`, `note-…`).
    static func mayEcho(_ path: String) -> Bool {
        let parts = segments(path)
        return parts.first != "scrutins" || parts == segments(SiteURL.newPoll.path)
    }

    /// The error page's model for a fault.
    static func model(_ fault: DatabaseFault, request: Request) -> ErrorPage.Model {
        let writing = request.method != .GET && request.method != .HEAD
        if writing, let poll = ballotPoll(of: request.url.path) {
            return ballotModel(fault, poll: poll, saved: request.saved)
        }
        if writing, let saved = request.saved {
            return ErrorPage.Model(
                status: .serviceUnavailable, title: "Ce que vous avez envoyé n'est enregistré qu'en partie",
                paragraphs: [
                    saved.sentence + " Le site n'a pas pu finir : " + cannotSave.lowercased(),
                    "Rechargez la page pour voir où en sont les choses avant d'envoyer à nouveau. Réessayez dans quelques minutes.",
                ],
                detail: nil
            )
        }
        guard writing else {
            return ErrorPage.Model(
                status: .serviceUnavailable, title: "Le site est momentanément indisponible",
                paragraphs: ["Cette page ne peut pas s'afficher pour le moment. Réessayez dans quelques minutes. "
                    + "Rien de ce qui était enregistré n'est perdu."],
                detail: nil
            )
        }
        let kept = keptFields(request)
        var paragraphs = [kept.isEmpty ? cannotSave + " Rien de ce qui était déjà enregistré n'est perdu. Réessayez dans quelques minutes."
                                       : cannotSave + " " + textKept]
        if fault.mayHaveCommitted {
            paragraphs.append("La liaison avec la base de données a été coupée pendant l'envoi : il se peut que ce soit enregistré. "
                + "Vérifiez avant d'envoyer à nouveau.")
        }
        if !kept.isEmpty {
            paragraphs.append("Copiez votre texte, ou revenez en arrière avec le bouton « Retour » du navigateur : "
                + "le formulaire l'a sans doute gardé aussi.")
        }
        return ErrorPage.Model(status: .serviceUnavailable, title: "Votre envoi n'a pas pu être enregistré",
                               paragraphs: paragraphs, detail: nil, kept: kept.map { ErrorPage.KeptText(label: $0.label, value: $0.value) })
    }

    /// A ballot: counted already (the fault came after), not counted (cast
    /// again), or cannot be known (look at the poll's page).
    static func ballotModel(_ fault: DatabaseFault, poll: SiteURL, saved: Saved? = nil) -> ErrorPage.Model {
        if let saved {
            return ErrorPage.Model(
                status: .serviceUnavailable, title: saved == .paperBallot ? "Le bulletin papier est enregistré" : "Votre vote est compté",
                paragraphs: [saved.sentence, "La suite de la page n'a pas pu s'afficher : rouvrez le scrutin dans quelques minutes."],
                detail: nil, link: ErrorPage.Link(url: poll, label: "Revenir au scrutin")
            )
        }
        if fault.mayHaveCommitted {
            return ErrorPage.Model(
                status: .serviceUnavailable, title: "Nous ne savons pas si votre vote a été compté",
                paragraphs: [
                    "La liaison avec la base de données a été coupée au moment d'enregistrer votre vote : "
                        + "il a peut-être été compté, peut-être pas.",
                    "La page du scrutin vous le dira : elle indique si vous avez déjà voté. "
                        + "Si ce n'est pas le cas, vous pourrez voter à nouveau.",
                ],
                detail: nil, link: ErrorPage.Link(url: poll, label: "Voir si mon vote est compté")
            )
        }
        return ErrorPage.Model(
            status: .serviceUnavailable, title: "Votre vote n'a pas été compté",
            paragraphs: [
                "Le site ne peut pas enregistrer pour le moment : le vote que vous venez d'envoyer n'a pas été compté.",
                "Vous pourrez voter à nouveau dans quelques minutes, depuis la page du scrutin. "
                    + "Elle vous dira aussi si un vote envoyé plus tôt est déjà compté à votre nom.",
            ],
            detail: nil, link: ErrorPage.Link(url: poll, label: "Revenir au scrutin")
        )
    }

    /// The free-text fields a form may send, with their French labels:
    /// only these come back on the page, never a password, a code, a token
    /// or a choice.
    static let textFields: [(name: String, label: String)] = [
        ("pseudonyme", "Pseudonyme"), ("titre", "Titre"), ("nom", "Nom"), ("question", "Question"),
        ("texte", "Texte"), ("commentaire", "Commentaire"), ("explication", "Explication"),
        ("description", "Description"), ("reponse", "Réponse"), ("note", "Note"), ("motif", "Motif"),
        ("raison", "Raison"), ("message", "Message"), ("lieu", "Lieu"), ("choix", "Choix proposés"),
        ("accessibilite", "Accessibilité"),
    ]

    /// What the person typed in the free-text fields of the form they sent.
    static func keptFields(_ request: Request) -> [(label: String, value: String)] {
        guard mayEcho(request.url.path), request.headers.contentType == .urlEncodedForm,
              let fields = try? request.content.decode([String: String].self) else { return [] }
        return textFields.compactMap { field in
            guard let value = fields[field.name], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return (field.label, value)
        }
    }

    /// The kept texts, each in a box to select and copy.
    static func keptNode(_ kept: [ErrorPage.KeptText]) -> Node<HTML.BodyContext> {
        .forEach(kept.enumerated()) { index, field in
            .div(
                .class("champ"),
                .label(.for("texte-garde-\(index)"), .plain(field.label)),
                .element(named: "textarea", nodes: [
                    .attribute(named: "id", value: "texte-garde-\(index)"),
                    .attribute(named: "rows", value: field.value.count > 120 ? "10" : "2"),
                    .attribute(named: "readonly", value: "readonly"),
                    .plain(field.value),
                ])
            )
        }
    }
}

extension FaultPages {
    /// What a request had already saved when the database failed it.
    enum Saved: Sendable, Equatable {
        case vote, alreadyVoted, paperBallot, part

        var sentence: String {
            switch self {
            case .vote: "Votre vote est enregistré et compté."
            case .alreadyVoted: "Vous aviez déjà voté à ce scrutin : votre vote est compté, une seule fois."
            case .paperBallot: "Le bulletin papier est enregistré."
            case .part: "Une partie de ce que vous avez envoyé est enregistrée."
            }
        }
    }
}

extension Request {
    private struct FaultNoticeKey: StorageKey { typealias Value = [String] }
    private struct SavedKey: StorageKey { typealias Value = FaultPages.Saved }

    /// What this request saved already, for a fault page that comes after:
    /// it must never say « pas enregistré » of what was.
    var saved: FaultPages.Saved? {
        get { storage[SavedKey.self] }
        set { storage[SavedKey.self] = newValue }
    }

    /// The notice that a form shown again after a fault carries on top (`Layout`).
    /// The heading is `FaultPages.cannotSave`.
    var faultNotice: [String]? { storage[FaultNoticeKey.self] }

    /// Runs `write`. When the database faults, nothing is lost: the fault is
    /// logged by name, and the form comes back with what was typed (the page
    /// `form` renders from the model it already holds), a notice on top, as
    /// a 503 with `Retry-After`. If even the form cannot be shown, the error
    /// page keeps the text instead.
    func keepingText(form: () async throws -> HTML, _ write: () async throws -> Response) async throws -> Response {
        do {
            return try await write()
        } catch {
            guard let fault = DatabaseFault(error), saved == nil else { throw error }
            noteFault(fault, error)
            storage[FaultNoticeKey.self] = FaultPages.formNotice(fault)
            guard let page = try? await form() else { throw error }
            return page.response(status: .serviceUnavailable).retryAfter(fault.retryAfterSeconds).noStore()
        }
    }

    /// Logs a fault by name, with the request id (in the logger's metadata), and tells `/healthz`.
    func noteFault(_ fault: DatabaseFault, _ error: any Error) {
        logger.error("\(method) \(url.path) : la base de données refuse (\(DatabaseFault.logName(error)))")
        application.storageWatch.saw(fault, at: now)
    }
}
