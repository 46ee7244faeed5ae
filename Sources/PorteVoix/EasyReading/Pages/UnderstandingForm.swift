import Plot

extension ProposalPages {
    /// Under the answer: « J'ai compris / Je n'ai pas bien compris » for
    /// members; the counts (never who) and the easy version's page for staff.
    static func understanding(_ model: ProposalShowModel) -> Node<HTML.BodyContext> {
        let proposal = model.proposal
        guard proposal.answer != nil else { return .empty }
        func choice(_ value: String, _ label: String) -> Node<HTML.BodyContext> {
            .button(.type(.submit), .class("bouton bouton-secondaire"),
                    .attribute(named: "name", value: "compris"), .attribute(named: "value", value: value), .text(label))
        }
        return .div(
            .class("comprehension"),
            .if(model.isSignedIn, Forms.post(
                action: proposal.url(.understanding), csrf: model.csrf ?? "",
                .element(named: "fieldset", nodes: [
                    .element(named: "legend", nodes: [.text("Avez-vous compris cette réponse ?")]),
                    .unwrap(model.ownUnderstanding) {
                        .p(.plain("Vous avez répondu : " + ($0 ? "j'ai compris." : "je n'ai pas bien compris.") + " Vous pouvez changer."))
                    },
                    .div(.class("actions"), choice("oui", "J'ai compris"), choice("non", "Je n'ai pas bien compris")),
                    .p(.class("aide-champ"), .text("Le Département voit seulement combien de personnes ont compris, jamais qui.")),
                ])
            )),
            .unwrap(model.understanding) { counts in
                .p(.strong("Compréhension de la réponse : "),
                   .plain("\(counts.understood) personne\(counts.understood > 1 ? "s ont" : " a") compris, "
                          + "\(counts.notUnderstood) n'\(counts.notUnderstood > 1 ? "ont" : "a") pas bien compris."))
            },
            .if(model.writesEasyAnswer, .p(.a(
                .class("bouton bouton-secondaire"), .href(proposal.url(.easyAnswer)),
                .text(proposal.answerEasy == nil ? "Écrire la version facile à lire" : "Modifier la version facile à lire"))))
        )
    }
}
