import Fluent
import Plot
import SQLKit
import Vapor

enum PaperAttributionPage {
    struct Model {
        var csrf: String
        var returnPath: String?
        var proposals: [Item]
    }

    struct Item {
        var id: UUID
        var title: String
        var body: String
        var enteredAt: Date
        var enteredBy: String
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Propositions écrites sur papier",
            content: .group(
                .h1("Avez-vous écrit ces propositions ?"),
                model.proposals.isEmpty
                    ? .p(.text("Aucune proposition écrite sur papier n'attend votre réponse. "),
                         .a(.href(.myProposals), .text("Voir mes propositions")), .text("."))
                    : .group(
                        .p(.text("Pendant une séance, une animatrice ou un animateur a recopié une proposition écrite sur papier "),
                           .text("et a indiqué votre pseudonyme. Elle ne sera à votre nom que si vous le confirmez. "),
                           .text("Sinon, elle reste signée « \(Proposal.paperSignature) ».")),
                        .forEach(model.proposals) { item in
                            .section(
                                .class("carte-proposition"),
                                .h2(.plain(item.title)),
                                .p(.class("aide-champ"),
                                   .plain("Recopiée le \(FrenchDates.shortDay(item.enteredAt)) par \(item.enteredBy).")),
                                .div(.class("texte-proposition"), .forEach(item.body.components(separatedBy: "\n\n")) { .p(.plain($0)) }),
                                .div(
                                    .class("actions"),
                                    answerForm(item, model: model, value: "oui", label: "Oui, c'est moi qui l'ai écrite", primary: true),
                                    answerForm(item, model: model, value: "non", label: "Non, ce n'est pas moi", primary: false)
                                )
                            )
                        }
                    )
            )
        )
    }

    static func answerForm(_ item: Item, model: Model, value: String, label: String, primary: Bool) -> Node<HTML.BodyContext> {
        Forms.post(
            action: .proposal(item.id, .paperAnswer), csrf: model.csrf,
            Forms.input([("type", "hidden"), ("name", "reponse"), ("value", value)]),
            .unwrap(model.returnPath) { Forms.input([("type", "hidden"), ("name", "retour"), ("value", $0)]) },
            Forms.submit(label, class: primary ? "bouton" : "bouton bouton-secondaire")
        )
    }
}
