import Fluent
import SynligCore
import Vapor

/// The record's part on keeping things current: information given and the next occasion, and
/// minor children at home with the prompt the seed asks for.
extension CaregiverRecordPage {
    struct Information: Encodable {
        var rows: [Row]
        var newHref: String
        var nextHref: String
        /// The next occasion planned, when one is.
        var next: String?
        var children: String
        var childrenHref: String
        /// Children at home: the prompt, with catalogue support for children as relatives.
        var childrenPrompt: Bool
        var childrenInformHref: String
        var childrenOfferings: [Fact]
    }

    /// How old the stance is, and the review form when there is a history to review.
    struct StanceReview: Encodable {
        var age: String
        var due: Bool
        var action: String
        var sequence: Int
        var changeHref: String
    }

    /// Per relationship with a history to review, how old its stance is: every relationship's
    /// consent entries in one query (without their notes), and the organisation's review interval once.
    static func stanceReviews(_ relationships: [CareRelationship], organisationID: UUID, req: Request,
                              today: CalendarDate) async throws -> [UUID: StanceReview] {
        guard !relationships.isEmpty else { return [:] }
        let ids = try relationships.map { try $0.requireID() }
        let entries = Dictionary(grouping: try await ConsentRecord.query(on: req.db).filter(\.$relationshipID ~~ ids).withoutNotes().all(),
                                 by: \.relationshipID)
        let months = try await ConsentService.reviewMonths(for: organisationID, on: req.db)
        var reviews: [UUID: StanceReview] = [:]
        for id in ids {
            let history = entries[id] ?? []
            guard let stance = history.compactMap({ CalendarDate($0.date) }).filter({ $0 <= today }).max(),
                  let sequence = history.map(\.sequence).max() else { continue }
            let age = ConsentReviewSchedule.ageInMonths(of: stance, today: today)
            reviews[id] = StanceReview(age: req.tp("consent.stance_age", age), due: ConsentReviewSchedule.due(after: stance, months: months) <= today,
                                       action: SiteURL.consentReview(id).path, sequence: sequence,
                                       changeHref: SiteURL.relationship(id).path)
        }
        return reviews
    }

    static func information(for caregiver: Caregiver, user: CurrentUser, req: Request,
                            date: (String?) -> String) async throws -> Information {
        let id = try caregiver.requireID()
        let entries = try await CaregiverInformation.query(on: req.db).filter(\.$caregiverID == id)
            .sort(\.$givenOn, .descending).sort(\.$createdAt, .descending).all()
        let authors = Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ Array(Set(entries.map(\.givenBy)))).all()
            .map { (try $0.requireID(), $0.displayName) })
        let next = try await CaregiverTask.query(on: req.db).filter(\.$caregiverID == id).filter(\.$kind == .informationDue)
            .filter(\.$open == true).first()
        var children = req.t("children.situation.\(caregiver.childrenInHousehold.rawValue)")
        if let count = caregiver.childrenCount { children += " (" + req.tp("children.count", count) + ")" }
        let prompt = caregiver.childrenInHousehold.hasChildren
        var offerings: [Fact] = []
        if prompt {
            let mayOpen = user.hasAny(SupportService.editors)
            offerings = try await SupportOffering.scoped(to: user.organisationID, on: req.db).sort(\.$name).all()
                .filter { $0.targetGroups.contains(.childrenAsRelatives) }
                .map { Fact(label: $0.name, value: $0.description, href: mayOpen ? SiteURL.supportOffering(try $0.requireID()).path : nil) }
        }
        return Information(
            rows: entries.map { entry in
                var topic = req.t("information.topic.\(entry.topic.rawValue)")
                if !entry.topicText.isEmpty { topic += ": " + entry.topicText }
                return Row(cells: [date(entry.givenOn), topic, req.t("information.scope.\(entry.scope.rawValue)"), authors[entry.givenBy] ?? "–"],
                           href: nil, warning: false)
            },
            newHref: SiteURL.caregiverPart(id, .informationNew).path, nextHref: SiteURL.caregiverPart(id, .informationNext).path,
            next: next.map { date($0.dueOn) }, children: children, childrenHref: SiteURL.caregiverPart(id, .children).path,
            childrenPrompt: prompt,
            childrenInformHref: SiteURL.caregiverPart(id, .informationNew).path + "?topic=" + InformationTopic.childrenSupport.rawValue,
            childrenOfferings: offerings)
    }
}
