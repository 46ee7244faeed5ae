import Fluent
import Plot
import Vapor

/// Staff write the easy-to-read versions of answers and questions; members
/// say whether they understood an answer.
struct EasyReadingController {
    struct Form: Content {
        var texte: String?
        var action: String?
    }

    // MARK: The answer of the département

    func answerForm(request: Request) async throws -> HTML {
        let proposal = try await answered(request)
        return EasyReadingPage.form(try await answerModel(proposal, typed: proposal.answerEasy ?? "", request: request),
                                    context: request.pageContext)
    }

    func saveAnswer(request: Request) async throws -> Response {
        let proposal = try await answered(request)
        let form = try request.content.decode(Form.self)
        var model = try await answerModel(proposal, typed: TextInput.clean(form.texte ?? "", multiline: true), request: request)
        return try await save(&model, target: .answer(try proposal.requireID()), action: form.action, request: request) {
            request.redirect(to: .proposal(try proposal.requireID()), fragment: "reponse")
        }
    }

    private func answered(_ request: Request) async throws -> Proposal {
        let proposal = try await ProposalLookup.findVisible(request)
        guard proposal.answer != nil, proposal.isShownToThePublic else {
            throw PageError(.notFound, title: "Pas encore de réponse",
                            message: "Le Département n'a pas encore répondu à cette proposition : il n'y a rien à simplifier.")
        }
        return proposal
    }

    private func answerModel(_ proposal: Proposal, typed: String, request: Request) async throws -> EasyReadingPage.Model {
        let id = try proposal.requireID()
        return EasyReadingPage.Model(
            what: "la réponse du Département", heading: "Version facile à lire de la réponse",
            full: proposal.answer ?? "", typed: typed, hasVersion: proposal.answerEasy != nil,
            action: .proposal(id, .easyAnswer), back: .proposal(id), backLabel: "Revenir à la proposition « \(proposal.title) »",
            csrf: try await request.csrfToken())
    }

    // MARK: A poll's question

    func questionForm(request: Request) async throws -> HTML {
        let poll = try await PollLookup.find(request)
        return EasyReadingPage.form(try await questionModel(poll, typed: poll.questionEasy ?? "", request: request),
                                    context: request.pageContext)
    }

    func saveQuestion(request: Request) async throws -> Response {
        let poll = try await PollLookup.find(request)
        // Voters read it before the question: it cannot change under them.
        guard poll.status == .draft else {
            throw PageError(.conflict, title: "Ce vote est ouvert",
                            message: "La version facile à lire d'une question s'écrit avant l'ouverture du vote : ceux qui votent doivent tous lire la même.")
        }
        let form = try request.content.decode(Form.self)
        var model = try await questionModel(poll, typed: TextInput.clean(form.texte ?? "", multiline: true), request: request)
        return try await save(&model, target: .question(try poll.requireID()), action: form.action, request: request) {
            request.redirect(to: .poll(try poll.requireID()))
        }
    }

    private func questionModel(_ poll: Poll, typed: String, request: Request) async throws -> EasyReadingPage.Model {
        let id = try poll.requireID()
        let full = ([poll.question, poll.details] + poll.options.map { "– " + $0.label }).filter { !$0.isEmpty }.joined(separator: "\n")
        return EasyReadingPage.Model(
            what: "la question et les choix", heading: "Version facile à lire de la question",
            full: full, typed: typed, hasVersion: poll.questionEasy != nil,
            action: .poll(id, .easyQuestion), back: .poll(id), backLabel: "Revenir au vote « \(poll.question) »",
            csrf: try await request.csrfToken())
    }

    // MARK: Saving

    /// « Mesurer la lisibilité » shows the page again with the measure and
    /// the text kept; « Enregistrer » saves it (empty: removes it).
    private func save(_ model: inout EasyReadingPage.Model, target: EasyVersions.Target, action: String?, request: Request,
                      then done: () throws -> Response) async throws -> Response {
        if model.typed.count > EasyVersions.maximumLength {
            model.errors.add("texte", "Ce texte est trop long : \(EasyVersions.maximumLength) caractères au plus. Un texte facile à lire est court.")
        }
        if action == "mesurer" || !model.errors.isEmpty {
            let status: HTTPStatus = model.errors.isEmpty ? .ok : .unprocessableEntity
            return EasyReadingPage.form(model, context: request.pageContext).response(status: status)
        }
        let page = model
        let typed = model.typed
        return try await request.keepingText(form: { EasyReadingPage.form(page, context: request.pageContext) }) {
            try await EasyVersions.save(typed, for: target, by: request.member?.id, on: request.db, now: request.now)
            try await request.setFlash(typed.isEmpty ? "La version facile à lire est retirée." : "La version facile à lire est enregistrée.")
            return try done()
        }
    }

    // MARK: « J'ai compris »

    struct UnderstandingForm: Content {
        var compris: String?
    }

    func understanding(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let proposal = try await answered(request)
        let form = try request.content.decode(UnderstandingForm.self)
        guard let answer = form.compris, ["oui", "non"].contains(answer) else {
            throw PageError(.badRequest, title: "Choisissez une réponse",
                            message: "Appuyez sur « J'ai compris » ou sur « Je n'ai pas bien compris ».")
        }
        try await Understanding.record(proposal: try proposal.requireID(), member: try member.requireID(),
                                       understood: answer == "oui", on: request.db, now: request.now)
        try await request.setFlash(answer == "oui" ? "Merci : vous avez compris la réponse, c'est noté."
                                                   : "Merci : c'est noté. Le Département saura que la réponse doit être plus claire.")
        return request.redirect(to: .proposal(try proposal.requireID()), fragment: "reponse")
    }
}
