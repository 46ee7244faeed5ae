import Fluent
import Plot
import SQLKit
import Vapor

/// A facilitator types in a proposal written on paper and names the member
/// who wrote it. The proposal is theirs only once that member says so, at
/// their next sign-in (or from the notification): a facilitator cannot put
/// words in a member's name. Until then, and if the member says no, it is
/// signed "Proposition reçue sur papier".
struct PaperAttributionController {
    /// The paper proposals waiting for this member's answer, oldest first.
    static func waiting(for memberID: UUID, on database: any Database) async throws -> [Proposal] {
        try await Proposal.query(on: database).filter(\.$claimedAuthor.$id == memberID)
            .with(\.$enteredBy).sort(\.$createdAt).limit(ProposalLimits.paperToConfirm).all()
    }

    func show(request: Request) async throws -> HTML {
        let member = try request.requireMember()
        let proposals = try await Self.waiting(for: member.requireID(), on: request.db)
        return PaperAttributionPage.view(
            .init(csrf: try await request.csrfToken(),
                  returnPath: SignInPage.safeReturnPath(request.query[String.self, at: "retour"]),
                  proposals: try proposals.map {
                      .init(id: try $0.requireID(), title: $0.title, body: $0.body, enteredAt: $0.createdAt,
                            enteredBy: $0.enteredBy?.publicName ?? "l'équipe du conseil")
                  }),
            context: request.pageContext)
    }

    func answer(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let memberID = try member.requireID()
        guard let id = request.id(.proposal),
              let proposal = try await Proposal.query(on: request.db).filter(\.$id == id)
                .filter(\.$claimedAuthor.$id == memberID).first()
        else {
            throw PageError(.notFound, title: "Rien à confirmer",
                            message: "Cette proposition ne vous attend pas, ou vous avez déjà répondu.")
        }
        let yes: Bool
        switch try? request.content.get(String.self, at: "reponse") {
        case "oui": yes = true
        case "non": yes = false
        default: throw Abort(.badRequest)
        }
        // One answer only, even from two tabs at once.
        let claimed = try await request.db.sql.raw("""
            UPDATE proposals SET claimed_author_id = NULL, author_id = \(bind: yes ? memberID : nil)
            WHERE id = \(bind: id) AND claimed_author_id = \(bind: memberID) RETURNING id
            """).all()
        guard !claimed.isEmpty else {
            throw PageError(.conflict, title: "Vous avez déjà répondu",
                            message: "Votre réponse pour cette proposition est déjà enregistrée.")
        }
        if yes {
            if proposal.anonymous {
                // Signed "Un membre du conseil" for everyone, staff included: the
                // journal keeps no name, not even as the entry's author.
                try await AuditLog.append(actorID: nil, action: .proposalPaperConfirmed, subject: .proposal(id), at: request.now, on: request.db)
            } else {
                try await request.audit(.proposalPaperConfirmed, about: .proposal(id))
            }
            try await request.setFlash("Merci. La proposition « \(proposal.title) » est maintenant à votre nom : "
                + "vous serez prévenu de chaque étape.")
        } else {
            // Written by the server: the journal never says who was named on a paper proposal.
            try await AuditLog.append(actorID: nil, action: .proposalPaperDeclined, subject: .proposal(id), at: request.now, on: request.db)
            try await Notifier.notify(proposal.$enteredBy.id, "« \(member.publicName) » dit ne pas avoir écrit la proposition "
                + "sur papier « \(proposal.title) » : elle reste signée « \(Proposal.paperSignature) ».",
                link: .proposal(id), at: request.now, on: request.db)
            try await request.setFlash("C'est noté : la proposition « \(proposal.title) » n'est pas à votre nom. "
                + "La personne qui l'a saisie est prévenue.")
        }
        let back = SignInPage.safeReturnPath(try? request.content.get(String.self, at: "retour"))
        if try await PaperAttribution.hasWaiting(for: memberID, on: request.db) {
            return request.redirect(to: SignInPage.path(returningTo: back, from: .paperToConfirm))
        }
        return request.redirect(to: back ?? SiteURL.myProposals.path)
    }
}
