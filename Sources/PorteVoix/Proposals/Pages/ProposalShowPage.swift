import Foundation
import Plot

extension ProposalPages {
    static func show(_ model: ProposalShowModel, context: PageContext) -> HTML {
        let proposal = model.proposal
        let hasErrors = !model.actionErrors.isEmpty || !model.commentErrors.isEmpty || !model.commentDecisionErrors.isEmpty
            || model.commentPaused != nil || model.reportError != nil || model.commentScreened
        return Layout.page(
            context,
            title: (hasErrors ? "Erreur — " : "") + proposal.title,
            description: excerpt(proposal.body, length: 150),
            content: .group(
                .article(
                    .class("proposition"),
                    .p(.a(.href(.proposals), .text("Toutes les propositions"))),
                    .h1(.plain(proposal.title)),
                    .if(proposal.hidden == nil && proposal.status.isPublic, ListenControl.node(.listen(.proposal(.value(proposal.id))), context: context,
                                                                        what: proposal.answer == nil ? "la proposition" : "la proposition et la réponse")),
                    .p(badge(proposal.status)),
                    .ul(
                        .class("meta"),
                        .li(.plain("Proposée par \(model.isAuthor && proposal.anonymous ? "vous (publiée sans votre pseudonyme)" : proposal.publicAuthorName)")),
                        .li(.plain("Thème : \(proposal.themeName)")),
                        .li(.plain("Territoire : \(proposal.territoryName)")),
                        .li(.text("Envoyée le "), time(proposal.createdAt, long: true)),
                        .if(proposal.fromPaper, .li(.text("Écrite sur papier pendant une séance")))
                    ),
                    .div(.class("texte-proposition"), richText(proposal.body)),
                    .if(proposal.redacted, .p(.class("marque-moderation"), .text("Texte modifié par l'équipe de modération."))),
                    moderationOutcome(model),
                    .if(model.isModerator && !model.isAuthor && proposal.status != .withdrawn,
                        .p(.a(.class("bouton bouton-secondaire"), .href(.proposalRedaction(proposal.id)),
                              .text("Modifier le texte (modération)")))),
                    authorTools(model),
                    .unwrap(proposal.hidden) { .p(.class("contenu-masque"), .plain($0.publicText)) },
                    .if(proposal.hidden == nil && proposal.status.isPublic && !model.isAuthor,
                        ReportForm.form(action: url(proposal, .report), target: proposal.id, what: "cette proposition",
                                        model: model)),
                    .if(model.actions.contains(where: \.isModeration),
                        Screening.review([("Titre", proposal.title), ("Texte", proposal.body)]))
                ),
                answer(model),
                supports(model),
                timeline(model),
                actions(model),
                comments(model)
            )
        )
    }

    /// What the author (and moderators) read about a refusal or a request for changes.
    static func moderationOutcome(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        let proposal = model.proposal
        guard [.rejected, .changesRequested].contains(proposal.status), let reason = proposal.moderationReason else { return .empty }
        return .div(
            .class("decision-moderation"),
            .p(.strong(.plain(proposal.status == .rejected ? "Pourquoi elle n'est pas publiée : " : "Ce que l'équipe de modération demande : ")),
               .plain(reason.label + ".")),
            .unwrap(proposal.duplicateOf) { original in
                .p(.a(.href(.proposal(original)), .text("Lire la proposition d'origine, que vous pouvez soutenir")))
            },
            .if(proposal.status == .changesRequested && model.isAuthor,
                .p(.text("Modifiez-la : elle reviendra à l'équipe de modération, qui la relira.")))
        )
    }

    static func authorTools(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        guard ProposalWorkflow.canEdit(status: model.proposal.status, isAuthor: model.isAuthor) else { return .empty }
        return .p(
            .class("actions"),
            .a(.class("bouton bouton-secondaire"), .href(url(model.proposal, .edit)),
               .text("Modifier ma proposition"))
        )
    }

    static func answer(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        guard let answer = model.proposal.answer else { return .empty }
        let followUps = model.events.filter { [.inProgress, .done, .declined].contains($0.status) }
        return .section(
            .class("reponse"), .id("reponse"),
            .ariaLabel("Réponse du Département"),
            .h2("La réponse du Département"),
            .unwrap(model.proposal.answeredAt) { .p(.class("date"), .text("Le "), time($0, long: true)) },
            EasyReadingPage.easyFirst(model.proposal.answerEasy, full: answer, fullID: "reponse-complete",
                                      fullHeading: "La réponse complète"),
            understanding(model),
            .if(!followUps.isEmpty, .group(
                .h3("Ce qui a été fait depuis"),
                .ul(.class("suivi"), .forEach(followUps) { event in
                    .li(
                        .p(time(event.createdAt, long: true), .text(" — "), badge(event.status)),
                        .unwrap(event.note) { .div(richText($0)) }
                    )
                })
            ))
        )
    }

    static func supports(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        let proposal = model.proposal
        guard proposal.status.isPublic else { return .empty }
        return .section(
            .id("soutiens"),
            .h2("Soutiens"),
            .p(.class("nombre-soutiens"), .plain(supportsText(proposal.supportsCount))),
            .p(.class("aide-champ"), .text("Sur le site, personne ne voit qui soutient une proposition : seul le nombre est affiché.")),
            !model.isSignedIn
                ? .p(.a(.href(.signIn, query: [("retour", url(proposal).path)]), .text("Connectez-vous pour la soutenir")))
                : Forms.post(
                    action: url(proposal, .support), csrf: model.csrf ?? "",
                    .input(.type(.hidden), .name("action"), .value(model.supportsIt ? "retirer" : "soutenir")),
                    model.supportsIt
                        ? .group(.p(.text("Vous soutenez cette proposition.")),
                                 Forms.submit("Retirer mon soutien", class: "bouton bouton-secondaire"))
                        : Forms.submit("Soutenir cette proposition")
                )
        )
    }

    static func timeline(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        .section(
            .h2("Son parcours"),
            .ol(.class("parcours"), .forEach(model.events) { event in
                .li(
                    .p(time(event.createdAt, long: true), .text(" — "), .strong(.plain(event.status.label))),
                    .if(model.showsActors, .p(.class("aide-champ"), .plain("Par \(event.actorName)"))),
                    .unwrap(visibleNote(event, model: model)) { .div(.class("note"), richText($0)) }
                )
            })
        )
    }

    /// Follow-up notes are shown with the answer; a refusal reason only to
    /// the author and moderators (a refused proposal is not public anyway).
    static func visibleNote(_ event: ProposalShowModel.Event, model: ProposalShowModel) -> String? {
        guard let note = event.note else { return nil }
        if [.inProgress, .done, .declined].contains(event.status) { return nil }
        return note
    }

    static func actions(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        guard !model.actions.isEmpty, let csrf = model.csrf else { return .empty }
        return .section(
            .class("panneau-actions"),
            .h2(model.isAuthor && model.actions == [.withdraw] ? "Retirer ma proposition" : "Décider"),
            Forms.errorSummary(model.actionErrors, scope: model.failedAction?.rawValue),
            .forEach(model.actions) { action in
                let typed = model.failedAction == action
                return Forms.post(
                    action: url(model.proposal, .status), csrf: csrf, class: "formulaire action-\(action.rawValue)",
                    .input(.type(.hidden), .name("action"), .value(action.rawValue)),
                    .if(action == .answer, Forms.textArea(
                        "reponse", label: "La réponse du Département",
                        value: typed ? model.typedAnswer : "",
                        help: "En français simple. Dites ce qui sera fait, par qui et quand, ou pourquoi ce n'est pas possible. "
                            + "Laissez une ligne vide entre deux paragraphes.",
                        error: typed ? model.actionErrors["reponse"] : nil, required: true,
                        maxLength: ProposalLimits.answer, rows: 10, scope: action.rawValue
                    )),
                    .if(action.needsReason, Forms.select(
                        "motif", label: "Raison", options: [("", "Choisir une raison")] + ModerationReason.choices,
                        selected: typed ? model.typedReason : nil, error: typed ? model.actionErrors["motif-\(action.rawValue)"] : nil,
                        required: true, scope: action.rawValue
                    )),
                    .if(action == .reject, Forms.field(
                        "original", label: "Pour un doublon : l'adresse de la proposition d'origine",
                        value: typed ? model.typedOriginal : "",
                        help: "Copiez l'adresse de sa page, par exemple /propositions/… L'auteur aura le lien.",
                        error: typed ? model.actionErrors["original-reject"] : nil, maxLength: 200, scope: action.rawValue
                    )),
                    .if(action.needsNote || [.schedule, .adopt, .notAdopt, .forward, .complete].contains(action), Forms.textArea(
                        "note", label: action.noteLabel, value: typed ? model.typedNote : "",
                        error: typed ? model.actionErrors["note-\(action.rawValue)"] : nil, required: action.needsNote,
                        maxLength: ProposalLimits.note, rows: 3, scope: action.rawValue
                    )),
                    Forms.submit(action.buttonLabel,
                                 class: [.reject, .withdraw, .decline].contains(action) ? "bouton bouton-danger" : "bouton")
                )
            }
        )
    }

    static func comments(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        let proposal = model.proposal
        guard proposal.status.isPublic || !model.commentsToReview.isEmpty else { return .empty }
        let visibleComments = model.comments.filter { $0.hidden == nil }.count
        return .section(
            .id("commentaires"),
            .h2(.plain(visibleComments == 0 ? "Commentaires" : "Commentaires (\(visibleComments))")),
            model.comments.isEmpty ? .p(.text("Pas encore de commentaire.")) : .ol(
                .class("commentaires"),
                .forEach(model.comments) { comment in
                    .li(
                        .id(escapeAttribute("commentaire-\(comment.id)")),
                        .unwrap(comment.hidden) { .p(.class("contenu-masque"), .plain($0.publicText)) },
                        .if(comment.hidden == nil || model.isModerator, .group(
                            .p(.class("auteur-commentaire"), .strong(.plain(comment.authorName)),
                               .text(", le "), time(comment.createdAt)),
                            .div(richText(comment.body)),
                            .if(comment.redacted, .p(.class("marque-moderation"), .text("Commentaire modifié par l'équipe de modération."))),
                            .if(model.isModerator, .p(.a(.href(.commentRedaction(comment.id)), .text("Modifier ce commentaire (modération)")))),
                            .if(comment.hidden == nil, ReportForm.form(
                                action: .commentReport(model.proposal.id, comment.id), target: comment.id,
                                what: "ce commentaire", whose: "de \(comment.authorName), du \(FrenchDates.dayAndTime(comment.createdAt))",
                                model: model))
                        ))
                    )
                }
            ),
            .forEach(model.ownPendingComments) { comment in
                .div(
                    .class("commentaire-en-attente"),
                    .p(.strong(.plain(comment.status == .rejected ? "Votre commentaire n'a pas été publié."
                        : comment.status == .changesRequested ? "L'équipe de modération vous demande de modifier votre commentaire."
                        : "Votre commentaire attend sa relecture."))),
                    .unwrap(comment.moderationReason) { .p(.plain("Raison : \($0.label).")) },
                    .unwrap(comment.refusalReason) { .p(.plain("Message de l'équipe de modération : \($0)")) },
                    .div(richText(comment.body)),
                    .if(comment.status == .changesRequested,
                        .p(.a(.class("bouton"), .href(.commentEdit(model.proposal.id, comment.id)), .text("Modifier mon commentaire"))))
                )
            },
            reviewComments(model),
            commentForm(model)
        )
    }

    static func reviewComments(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        guard !model.commentsToReview.isEmpty, let csrf = model.csrf else { return .empty }
        return .div(
            .class("a-relire"),
            .h3("Commentaires à relire"),
            .forEach(model.commentsToReview) { comment in
                let id = comment.id.uuidString
                let error = model.commentDecisionErrors[comment.id]
                return .div(
                    .class("commentaire-a-relire"),
                    .id(escapeAttribute("commentaire-\(id)")),
                    .p(.strong(.plain(comment.authorName)), .text(", le "), time(comment.createdAt)),
                    .div(richText(comment.body)),
                    Screening.review([("Commentaire", comment.body)]),
                    .p(.a(.href(.commentRedaction(comment.id)), .text("Modifier ce commentaire avant de le publier"))),
                    Forms.errorSummary(FormErrors("motif", error),
                                       scope: "c\(id)"),
                    Forms.post(
                        action: .commentModeration(model.proposal.id, comment.id), csrf: csrf, class: "formulaire",
                        .input(.type(.hidden), .name("decision"), .value("publier")),
                        Forms.submit("Publier ce commentaire")
                    ),
                    Forms.post(
                        action: .commentModeration(model.proposal.id, comment.id), csrf: csrf, class: "formulaire",
                        Forms.select("motif", label: "Raison, que l'auteur lira",
                                     options: [("", "Choisir une raison")] + ModerationReason.choices.filter { $0.value != ModerationReason.duplicate.rawValue },
                                     selected: nil, error: error, required: true, scope: "c\(id)"),
                        Forms.textArea("message", label: "Message à l'auteur (obligatoire pour demander une modification)",
                                       maxLength: ProposalLimits.note, rows: 2, scope: "c\(id)"),
                        .div(.class("boutons"),
                             .button(.type(.submit), .name("decision"), .value("modifier"), .class("bouton bouton-secondaire"),
                                     .text("Demander une modification à l'auteur")),
                             .button(.type(.submit), .name("decision"), .value("refuser"), .class("bouton bouton-danger"),
                                     .text("Refuser ce commentaire")))
                    )
                )
            }
        )
    }

    static func commentForm(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        guard model.proposal.status.isPublic else { return .empty }
        guard let csrf = model.csrf else {
            return .p(.a(.href(.signIn, query: [("retour", url(model.proposal).path)]),
                         .text("Connectez-vous pour commenter")))
        }
        return .group(
            .h3("Ajouter un commentaire"),
            .unwrap(model.commentPaused) { ContributionPages.notice(.comments, pause: $0) },
            Forms.errorSummary(model.commentErrors),
            .if(model.commentScreened, Screening.warning([("Votre commentaire", TextInput.clean(model.typedComment, multiline: true))])),
            Forms.post(
                action: url(model.proposal, .comments), csrf: csrf, class: "formulaire",
                Forms.textArea("commentaire", label: "Votre commentaire", value: model.typedComment,
                               help: "Au plus \(ProposalComment.maximumLength) caractères. Il sera relu avant d'être publié. "
                                   + "N'écrivez pas d'informations personnelles (nom, adresse, téléphone).",
                               error: model.commentErrors["commentaire"], required: true,
                               maxLength: ProposalComment.maximumLength, rows: 5),
                .div(.class("boutons"),
                     .button(.type(.submit), .name("action"), .value("envoyer"), .class("bouton"), .text("Envoyer mon commentaire")),
                     .if(model.commentScreened, .button(.type(.submit), .name("action"), .value(Screening.sendAnyway),
                                                        .class("bouton bouton-secondaire"), .text("Envoyer quand même"))))
            )
        )
    }
}
