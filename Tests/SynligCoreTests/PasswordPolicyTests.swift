import Testing
@testable import SynligCore

@Suite("PasswordPolicy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy()
    let email = "anna.berg@kommun.se"

    @Test func limitsAreTwelveCharactersAndSeventyTwoBytes() {
        #expect(PasswordPolicy.minimumLength == 12)
        #expect(PasswordPolicy.maximumBytes == 72)
    }

    @Test func elevenCharactersIsTooShort() {
        let password = "abcdefghijk"
        #expect(password.count == 11)
        #expect(policy.problems(password: password, email: email) == [.tooShort])
    }

    @Test func twelveCharactersIsLongEnough() {
        let password = "abcdefghijkl"
        #expect(password.count == 12)
        #expect(policy.problems(password: password, email: email) == [])
    }

    @Test func minimumLengthCountsCharactersNotBytes() {
        // 11 "å" are 22 bytes but still only 11 characters.
        #expect(policy.problems(password: String(repeating: "å", count: 11), email: email) == [.tooShort])
        #expect(policy.problems(password: String(repeating: "å", count: 12), email: email) == [])
    }

    @Test(arguments: [
        "my anna.berg@kommun.se password",
        "ANNA.BERG@KOMMUN.SE is my secret",
        "xAnna.Berg@Kommun.Sex",
    ])
    func passwordContainingTheEmailInAnyCaseIsRefused(password: String) {
        #expect(policy.problems(password: password, email: email).contains(.containsEmail))
    }

    @Test(arguments: [
        "anna.berg-is-very-secure",
        "SECURE-ANNA.BERG-SECURE",
        "long prefix Anna.Berg",
    ])
    func passwordContainingTheLocalPartIsRefused(password: String) {
        #expect(policy.problems(password: password, email: email) == [.containsEmail])
    }

    @Test func emailIsNormalisedBeforeComparing() {
        let problems = policy.problems(password: "my anna.berg secret phrase", email: "  Anna.Berg@Kommun.SE ")
        #expect(problems == [.containsEmail])
    }

    @Test func localPartOfFourCharactersCounts() {
        #expect(policy.problems(password: "hello anna, long enough", email: "anna@kommun.se") == [.containsEmail])
    }

    @Test func shortLocalPartIsNotMatchedOnItsOwn() {
        // "bo" is too short to be a meaningful match; many passphrases contain it.
        #expect(policy.problems(password: "bobcat river stone", email: "bo@kommun.se") == [])
        // But the whole address is still refused.
        #expect(policy.problems(password: "bo@kommun.se river stone", email: "bo@kommun.se") == [.containsEmail])
    }

    @Test func emptyEmailNeverTriggersContainsEmail() {
        #expect(policy.problems(password: "correct horse battery staple", email: "") == [])
        #expect(policy.problems(password: "correct horse battery staple", email: "   ") == [])
    }

    @Test func seventyTwoAsciiBytesIsAllowedSeventyThreeIsTooLong() {
        #expect(policy.problems(password: String(repeating: "x", count: 72), email: email) == [])
        #expect(policy.problems(password: String(repeating: "x", count: 73), email: email) == [.tooLong])
    }

    @Test func maximumCountsUTF8BytesNotCharacters() {
        // "å" is two bytes in UTF-8: 36 of them are exactly 72 bytes, 37 are 74 bytes.
        let fits = String(repeating: "å", count: 36)
        let tooLong = String(repeating: "å", count: 37)
        #expect(fits.utf8.count == 72)
        #expect(tooLong.count == 37)
        #expect(tooLong.utf8.count == 74)
        #expect(policy.problems(password: fits, email: email) == [])
        #expect(policy.problems(password: tooLong, email: email) == [.tooLong])
        // 20 four-byte characters: only 20 characters, but 80 bytes.
        #expect(policy.problems(password: String(repeating: "😀", count: 20), email: email) == [.tooLong])
    }

    @Test(arguments: [
        "correct horse\u{0007}battery",
        "correct horse\nbattery staple",
        "correct horse\tbattery staple",
        "correct horse\u{0000}battery staple",
        "correct horse\u{001B}battery staple",
        "correct horse\u{007F}battery staple",
    ])
    func controlCharactersAreRefused(password: String) {
        #expect(policy.problems(password: password, email: email) == [.controlCharacters])
    }

    @Test func goodPassphrasePassesWithNoProblems() {
        #expect(policy.problems(password: "Korrekt häst batteri häftstift", email: email) == [])
        #expect(policy.problems(password: "correct horse battery staple", email: email) == [])
    }

    @Test func everyProblemIsReported() {
        let problems = policy.problems(password: "anna\u{0007}", email: "anna@kommun.se")
        #expect(Set(problems) == [.tooShort, .containsEmail, .controlCharacters])
    }
}

@Suite("PasswordPolicy: invisible formatting characters")
struct PasswordFormattingCharacterTests {
    @Test("Emoji with joiners and soft hyphens are ordinary characters, not control characters")
    func formattingCharactersAllowed() {
        let policy = PasswordPolicy()
        #expect(policy.problems(password: "👨‍👩‍👧 correct horse battery", email: "anna@kommun.se").isEmpty)
        #expect(policy.problems(password: "Ett\u{00AD}ord som är långt", email: "anna@kommun.se").isEmpty)
    }
}
