import Testing
@testable import SynligCore

@Suite("AuditChain")
struct AuditChainTests {
    typealias Entry = AuditChain.StoredEntry

    let sample = AuditEntryContent(sequence: 1, occurredAtMillis: 1_700_000_000_000, organisationID: "org-0180",
                                   actorID: "user-7", action: "person.view", recordType: "person", recordID: "rec-1")

    func content(_ sequence: Int64) -> AuditEntryContent {
        AuditEntryContent(sequence: sequence, occurredAtMillis: 1_700_000_000_000 + sequence * 1_000,
                          organisationID: "org-0180", actorID: "user-\(sequence % 2)",
                          action: "person.view", recordType: "person", recordID: "rec-\(sequence)")
    }

    /// A well-formed chain of `count` entries, each linked to the one before.
    func chain(_ count: Int) -> [Entry] {
        var previous = AuditChain.genesis
        var entries: [Entry] = []
        for sequence in 1...Int64(count) {
            let c = content(sequence)
            let hash = AuditChain.hash(previous: previous, content: c)
            entries.append(Entry(content: c, previousHash: previous, hash: hash))
            previous = hash
        }
        return entries
    }

    /// Streams `entries` through a verifier and finishes against the given head.
    func verify(_ entries: [Entry], headSequence: Int64, headHash: String) -> AuditChain.Break? {
        var verifier = AuditChain.Verifier()
        for entry in entries {
            if let problem = verifier.check(entry) { return problem }
        }
        return verifier.finish(headSequence: headSequence, headHash: headHash)
    }

    // MARK: hashing

    @Test func genesisIsSixtyFourZeros() {
        #expect(AuditChain.genesis == String(repeating: "0", count: 64))
    }

    @Test func hashIsDeterministicSixtyFourLowercaseHex() {
        let first = AuditChain.hash(previous: AuditChain.genesis, content: sample)
        let second = AuditChain.hash(previous: AuditChain.genesis, content: sample)
        #expect(first == second)
        #expect(first.count == 64)
        #expect(first.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func hashIsStableAcrossReleases() {
        // Stored trails must still verify after an upgrade: the encoding may not drift.
        // SHA-256 of genesis + "|" + the length-prefixed fields, computed independently.
        #expect(sample.canonical == "1:1|13:1700000000000|8:org-0180|6:user-7|11:person.view|6:person|5:rec-1")
        #expect(AuditChain.hash(previous: AuditChain.genesis, content: sample)
            == "1068d3d1d8fc8ca29b1f1fe2b3885c67c7bb966591d9ba7fbe19e9b593eb9830")
    }

    @Test(arguments: [
        \AuditEntryContent.organisationID, \.actorID, \.action, \.recordType, \.recordID,
    ] as [WritableKeyPath<AuditEntryContent, String> & Sendable])
    func hashChangesWhenATextFieldChanges(field: WritableKeyPath<AuditEntryContent, String> & Sendable) {
        var altered = sample
        altered[keyPath: field] += "x"
        #expect(AuditChain.hash(previous: AuditChain.genesis, content: altered)
            != AuditChain.hash(previous: AuditChain.genesis, content: sample))
    }

    @Test(arguments: [\AuditEntryContent.sequence, \.occurredAtMillis] as [WritableKeyPath<AuditEntryContent, Int64> & Sendable])
    func hashChangesWhenANumberFieldChanges(field: WritableKeyPath<AuditEntryContent, Int64> & Sendable) {
        var altered = sample
        altered[keyPath: field] += 1
        #expect(AuditChain.hash(previous: AuditChain.genesis, content: altered)
            != AuditChain.hash(previous: AuditChain.genesis, content: sample))
    }

    @Test func hashChangesWhenPreviousHashChanges() {
        let other = String(repeating: "0", count: 63) + "1"
        #expect(AuditChain.hash(previous: other, content: sample)
            != AuditChain.hash(previous: AuditChain.genesis, content: sample))
    }

    @Test func lengthPrefixingSeparatesAdjacentFields() {
        var left = sample
        left.actorID = "ab"
        left.action = "c"
        var right = sample
        right.actorID = "a"
        right.action = "bc"
        #expect(left.canonical != right.canonical)
        #expect(AuditChain.hash(previous: AuditChain.genesis, content: left)
            != AuditChain.hash(previous: AuditChain.genesis, content: right))

        var shifted = sample
        shifted.recordType = "personr"
        shifted.recordID = "ec-1"
        #expect(AuditChain.hash(previous: AuditChain.genesis, content: shifted)
            != AuditChain.hash(previous: AuditChain.genesis, content: sample))
    }

    @Test func separatorInsideAFieldCannotForgeAnotherSplit() {
        // Plain joining would make both "a|b|c".
        var left = sample
        left.actorID = "a|b"
        left.action = "c"
        var right = sample
        right.actorID = "a"
        right.action = "b|c"
        #expect(AuditChain.hash(previous: AuditChain.genesis, content: left)
            != AuditChain.hash(previous: AuditChain.genesis, content: right))
    }

    // MARK: verifying

    @Test func acceptsWellFormedChain() throws {
        let entries = chain(5)
        var verifier = AuditChain.Verifier()
        for entry in entries {
            #expect(verifier.check(entry) == nil)
        }
        let head = try #require(entries.last)
        #expect(verifier.finish(headSequence: 5, headHash: head.hash) == nil)
        #expect(verifier.expectedSequence == 6)
        #expect(verifier.previous == head.hash)
    }

    @Test func firstEntryLinksToGenesis() {
        #expect(chain(1)[0].previousHash == AuditChain.genesis)
    }

    @Test func emptyChainMatchesEmptyHead() {
        #expect(verify([], headSequence: 0, headHash: AuditChain.genesis) == nil)
    }

    @Test func alteredActionIsContentHashMismatch() {
        var entries = chain(5)
        entries[2].content.action = "person.delete"
        #expect(verify(entries, headSequence: 5, headHash: entries[4].hash) == .contentHashMismatch(sequence: 3))
    }

    @Test(arguments: [0, 1, 2, 3, 4])
    func alteredContentIsFoundAtItsOwnSequence(index: Int) {
        var entries = chain(5)
        entries[index].content.actorID = "intruder"
        #expect(verify(entries, headSequence: 5, headHash: entries[4].hash)
            == .contentHashMismatch(sequence: Int64(index + 1)))
    }

    @Test func alteredPreviousHashIsPreviousHashMismatch() {
        var entries = chain(5)
        entries[2].previousHash = String(repeating: "f", count: 64)
        #expect(verify(entries, headSequence: 5, headHash: entries[4].hash) == .previousHashMismatch(sequence: 3))
    }

    @Test func rehashedForgeryBreaksTheNextLink() {
        // Altering an entry and recomputing its own hash is caught by the entry after it.
        var entries = chain(5)
        entries[2].content.action = "person.delete"
        entries[2].hash = AuditChain.hash(previous: entries[2].previousHash, content: entries[2].content)
        #expect(verify(entries, headSequence: 5, headHash: entries[4].hash) == .previousHashMismatch(sequence: 4))
    }

    @Test func rehashedForgeryOfNewestEntryIsCaughtByTheHead() {
        let original = chain(5)
        var entries = original
        entries[4].content.action = "person.delete"
        entries[4].hash = AuditChain.hash(previous: entries[4].previousHash, content: entries[4].content)
        #expect(verify(entries, headSequence: 5, headHash: original[4].hash) == .previousHashMismatch(sequence: 5))
    }

    @Test func removedMiddleEntryIsSequenceGap() {
        var entries = chain(5)
        entries.remove(at: 2)
        #expect(verify(entries, headSequence: 5, headHash: chain(5)[4].hash) == .sequenceGap(expected: 3, found: 4))
    }

    @Test func removedFirstEntryIsSequenceGap() {
        var entries = chain(5)
        entries.removeFirst()
        #expect(verify(entries, headSequence: 5, headHash: entries.last!.hash) == .sequenceGap(expected: 1, found: 2))
    }

    @Test func swappedEntriesAreSequenceGap() {
        var entries = chain(5)
        entries.swapAt(1, 2)
        #expect(verify(entries, headSequence: 5, headHash: entries[4].hash) == .sequenceGap(expected: 2, found: 3))
    }

    @Test func removedNewestEntryIsReportedByFinish() {
        let full = chain(5)
        let truncated = Array(full.prefix(4))
        var verifier = AuditChain.Verifier()
        for entry in truncated {
            #expect(verifier.check(entry) == nil)
        }
        #expect(verifier.finish(headSequence: 5, headHash: full[4].hash) == .sequenceGap(expected: 5, found: 4))
    }

    @Test func allEntriesRemovedIsReportedByFinish() {
        let full = chain(3)
        #expect(verify([], headSequence: 3, headHash: full[2].hash) == .sequenceGap(expected: 3, found: 0))
    }
}

@Suite("Sealing the access log")
struct AccessLogSealTests {
    let row = AccessLogSeal.Row(occurredAtMillis: 1_765_000_000_000, id: "A", organisationID: "O", userID: "U",
                                recordType: "caregiver", recordID: "R", via: "GET /caregivers/:id")

    @Test("A batch's digest changes with any field of any row, with the order, and with a row more or less")
    func digestCoversEverything() {
        let other = AccessLogSeal.Row(occurredAtMillis: 1_765_000_000_001, id: "B", organisationID: "O", userID: "U",
                                      recordType: "caregiver", recordID: "R", via: "GET /caregivers/:id")
        let digest = AccessLogSeal.digest([row, other])
        #expect(digest == AccessLogSeal.digest([row, other]))
        #expect(digest != AccessLogSeal.digest([other, row]))
        #expect(digest != AccessLogSeal.digest([row]))
        var changed = other
        changed.via = "GET /recipients/:id"
        #expect(digest != AccessLogSeal.digest([row, changed]))
        // Length prefixes: moving a character between fields is a different row.
        var shifted = row
        (shifted.userID, shifted.recordType) = ("Uc", "aregiver")
        #expect(AccessLogSeal.digest([row]) != AccessLogSeal.digest([shifted]))
    }

    @Test("The reference kept in the audit event reads back, and nonsense does not")
    func reference() {
        let reference = AccessLogSeal.Reference(batch: "B1", count: 3, digest: "abc")
        #expect(AccessLogSeal.Reference(text: reference.text) == reference)
        #expect(AccessLogSeal.Reference(text: "B1:x:abc") == nil)
        #expect(AccessLogSeal.Reference(text: "B1:3") == nil)
    }
}
