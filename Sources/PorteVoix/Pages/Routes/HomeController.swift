import Fluent
import Plot
import Vapor

/// `/`: what the council is and how to take part.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get { request async throws -> HTML in
            let answers = try await Proposal.query(on: request.db)
                .filter(\.$status ~~ ProposalStatus.answeredStatuses)
                .with(\.$theme).with(\.$territory)
                .sort(\.$answeredAt, .descending).limit(3).all()
            let now = Date()
            let current = try await Poll.query(on: request.db).group(.or) { group in
                group.filter(\.$status == .open)
                    .group(.and) { $0.filter(\.$status == .draft).filter(\.$opensAt <= now) }
                    .group(.and) { $0.filter(\.$status == .closed).filter(\.$custody == .sealed).filter(\.$countedAt == nil) }
            }.sort(\.$createdAt, .descending).limit(10).all()
            for poll in current { poll.showAsOf(now) }
            let openPolls = current.filter { $0.status == .open }.prefix(5)
            let awaiting = current.filter(\.awaitsKeyHolders).prefix(5)
            let nextMeeting = try await Meeting.query(on: request.db).filter(\.$status ~~ [.planned, .inProgress])
                .filter(\.$endsAt >= Date()).with(\.$territory).sort(\.$startsAt).first()
            var context = request.pageContext
            if request.query[String.self, at: "au-revoir"] != nil, context.member == nil {
                context.flash = "Vous êtes déconnecté. À bientôt !"
            }
            return HomePage.View(context: context, latestAnswers: answers, openPolls: Array(openPolls),
                                 awaitingPolls: Array(awaiting), nextMeeting: nextMeeting).render()
        }
    }
}
