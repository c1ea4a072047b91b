import Fluent
import SynligCore
import Vapor

/// What statistics keep of a contact request once the request itself is purged: the day it came
/// and how many days passed until it was handled. No name, no contact details and no link back
/// (the request points here, not the other way), so it holds no personal data and outlives the
/// 90- and 30-day purge that the request is under.
final class ContactRequestTally: Model, @unchecked Sendable {
    static let schema = "contact_request_tallies"

    @ID(key: .id) var id: UUID?
    @Field(key: "organisation_id") var organisationID: UUID
    @Field(key: "received_on") var receivedOn: String
    /// Nil while the request is open.
    @OptionalField(key: "days_to_handle") var daysToHandle: Int?

    init() {}

    init(organisationID: UUID, receivedOn: CalendarDate) {
        self.organisationID = organisationID
        self.receivedOn = receivedOn.iso
    }
}

/// Keeps contact requests' tallies; requests received before tallies existed get one too.
struct CreateContactRequestTallies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ContactRequestTally.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id"))
            .field("received_on", .string, .required)
            .field("days_to_handle", .int)
            .create()
        try await database.schema("contact_requests").field("tally_id", .uuid).update()
        for request in try await ContactRequest.query(on: database).all() {
            let received = CalendarDate.today(now: request.createdAt)
            let tally = ContactRequestTally(organisationID: request.organisationID, receivedOn: received)
            tally.daysToHandle = request.closedAt.map { received.days(until: CalendarDate.today(now: $0)) }
            try await tally.create(on: database)
            request.tallyID = tally.id
            try await request.update(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("contact_requests").deleteField("tally_id").update()
        try await database.schema(ContactRequestTally.schema).delete()
    }
}
