import Fluent
import Foundation

/// One run of a scheduled job: which job, on which instance, when, what it did or why it
/// failed. Times come from the database's clock, so runs on several instances line up.
final class JobRun: Model, @unchecked Sendable {
    static let schema = "job_runs"

    enum Outcome: String, Codable, Sendable, CaseIterable {
        case running, succeeded, failed
    }

    /// Why the job ran: its schedule came round, or someone ran `synlig purge`.
    enum Trigger: String, Codable, Sendable {
        case schedule, command
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "job") var job: String
    @Field(key: "instance") var instance: String
    @Field(key: "trigger") var trigger: Trigger
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Field(key: "outcome") var outcome: Outcome
    /// Rows purged or otherwise handled; what a row is depends on the job.
    @OptionalField(key: "affected") var affected: Int?
    /// The kind of error (a type name or a message key), never its text: that can hold data.
    @OptionalField(key: "failure") var failure: String?

    init() {}
}

/// A job's place in the schedule: who holds it and until when. Created by `CreateJobLocks`.
final class JobLock: Model, @unchecked Sendable {
    static let schema = "job_locks"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "locked_until") var lockedUntil: Date
    /// The id of the run holding the lock, or "" before a job's first run.
    @Field(key: "holder") var holder: String

    init() {}
}
