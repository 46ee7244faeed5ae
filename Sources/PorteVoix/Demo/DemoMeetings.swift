import Fluent
import Foundation
import Vapor

/// Past sessions with minutes and attendance, upcoming ones with agendas.
enum DemoMeetings {
    static let agendas = [
        ["Accueil et tour de table", "Les transports vers les rendez-vous", "Questions diverses"],
        ["Retour sur les réponses du Département", "La garde d'enfants pendant les formations", "Préparer la séance plénière"],
        ["Le nom donné aux personnes au RSA : en parler ensemble", "Les courriers du Département", "Dates des prochaines séances"],
    ]

    static let minutes = """
        Douze membres du conseil étaient présents, avec l'animatrice et deux agents du Département.

        Tour de table : chacun a dit en un mot comment il allait. Plusieurs personnes ont parlé de la fatigue des démarches.

        Points discutés :
        - les horaires des bus ne permettent pas d'arriver à l'heure aux rendez-vous ;
        - la navette à la demande est une bonne idée, à tester d'abord dans un territoire ;
        - les courriers sont encore trop difficiles à lire.

        Décisions :
        1. La proposition sur la navette est adoptée et transmise au Département.
        2. Un petit groupe relira trois courriers avant la prochaine séance.

        Prochaine séance : la date sera publiée sur le site.
        """

    static func fill(_ app: Application, members: [Member]) async throws {
        let database = app.db
        let territories = try await Territory.query(on: database).sort(\.$position).all()
        let proposals = try await Proposal.query(on: database).filter(\.$status ~~ [.scheduled, .adopted, .notAdopted])
            .sort(\.$createdAt).all()
        let participants = members.filter { $0.roles.contains(.participant) }
        let calendar = FrenchDates.calendar
        let today = calendar.startOfDay(for: Date())
        let plans: [(days: Int, territory: Int?, status: MeetingStatus)] = [
            (-120, 0, .closed), (-75, nil, .closed), (-40, 1, .closed), (-20, 2, .cancelled),
            (12, 0, .planned), (26, nil, .planned), (40, 3, .planned),
        ]
        for (index, plan) in plans.enumerated() {
            let day = calendar.date(byAdding: .day, value: plan.days, to: today)!
            let start = calendar.date(bySettingHour: 14, minute: 0, second: 0, of: day)!
            let meeting = Meeting()
            let territory = plan.territory.map { territories[$0 % territories.count] }
            meeting.title = territory.map { "Séance du \($0.name)" } ?? "Séance plénière du conseil"
            meeting.startsAt = start
            meeting.endsAt = start.addingTimeInterval(2.5 * 3600)
            meeting.place = ["Maison des services, 3 rue de la Gare", "Hôtel du Département, salle du conseil",
                             "Centre social des Tilleuls, 12 avenue Jean-Moulin"][index % 3]
            meeting.$territory.id = territory?.id
            meeting.details = "Une séance pour avancer ensemble sur les propositions du conseil. Café et goûter offerts."
            meeting.accessibility = "Salle de plain-pied, accessible en fauteuil. Boucle magnétique. "
                + "Trajets remboursés sur présentation du ticket. Garde d'enfants possible sur place."
            meeting.status = plan.status
            meeting.otherAttendees = plan.status == .closed ? 3 : 0
            meeting.createdAt = start.addingTimeInterval(-30 * 86_400)
            if plan.status == .cancelled {
                meeting.cancelReason = "La salle n'est pas disponible. La séance est reportée : la nouvelle date sera publiée ici."
            }
            if plan.status == .closed {
                meeting.minutes = minutes
                meeting.minutesPublishedAt = meeting.endsAt.addingTimeInterval(3 * 86_400)
            }
            try await meeting.create(on: database)
            let meetingID = try meeting.requireID()
            for (position, title) in agendas[index % agendas.count].enumerated() {
                let item = AgendaItem(meetingID: meetingID, position: position + 1, title: title,
                                      details: position == 1 ? "Nous partons des propositions des membres." : "")
                try await item.create(on: database)
                if position == 1, !proposals.isEmpty {
                    try await item.$proposals.attach(proposals[index % proposals.count], on: database)
                }
            }
            if plan.status == .closed {
                for member in participants.prefix(4 + index) {
                    try await MeetingAttendance(meetingID: meetingID, memberID: member.requireID()).create(on: database)
                }
            }
            if plan.status == .planned {
                for (offset, member) in participants.enumerated() where offset % 3 != 2 {
                    try await MeetingResponse(meetingID: meetingID, memberID: member.requireID(), coming: offset % 3 == 0)
                        .create(on: database)
                }
            }
        }
    }
}
