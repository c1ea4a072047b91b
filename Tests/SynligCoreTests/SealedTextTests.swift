import Crypto
import Foundation
import Testing
@testable import SynligCore

@Suite("Sealed texts: AES-256-GCM under a named key, earlier keys open, nothing else does")
struct SealedTextTests {
    private let first = TextSealingKey(SymmetricKey(size: .bits256))
    private let second = TextSealingKey(SymmetricKey(size: .bits256))

    @Test("A text sealed and opened again is the text; the stored form names its key and shows none of it")
    func roundTrip() throws {
        let keyring = TextKeyring(current: first)
        let text = "Orolig för sin egen hälsa: sover dåligt sedan i våras. Åsa Öberg-Ärlig d'Été 👩‍⚕️"
        let stored = keyring.seal(text)
        #expect(stored.hasPrefix(TextKeyring.prefix + first.id + ":"))
        #expect(!stored.contains("hälsa") && !stored.contains("sover"))
        #expect(try keyring.open(stored) == text)
        #expect(keyring.seal(text) != stored, "a fresh nonce each time: equal texts do not store equally")
        #expect(try keyring.open(keyring.seal("")) == "")
    }

    @Test("A text stored before sealing reads as it is and is due for sealing; a sealed one under the current key is not")
    func clearTextFromBefore() throws {
        let keyring = TextKeyring(current: first)
        #expect(try keyring.open("Skriven före krypteringen") == "Skriven före krypteringen")
        #expect(keyring.needsResealing("Skriven före krypteringen"))
        #expect(!keyring.needsResealing(keyring.seal("ny")))
        #expect(TextKeyring.keyID(of: "v1:abc:def") == nil, "only the control-character prefix marks a sealed value")
    }

    @Test("After a rotation the earlier key opens what it sealed and the new key seals; without the earlier key it is refused by name")
    func rotation() throws {
        let before = TextKeyring(current: first).seal("Avlösning på tisdagar")
        let rotated = TextKeyring(current: second, earlier: [first])
        #expect(try rotated.open(before) == "Avlösning på tisdagar")
        #expect(rotated.needsResealing(before))
        let after = rotated.seal(try rotated.open(before))
        #expect(TextKeyring.keyID(of: after) == second.id)
        #expect(try TextKeyring(current: second).open(after) == "Avlösning på tisdagar")
        #expect(throws: TextSealingError.unknownKey(first.id)) { try TextKeyring(current: second).open(before) }
    }

    @Test("A stored value altered by one character does not open")
    func tampering() throws {
        let keyring = TextKeyring(current: first)
        var stored = Array(keyring.seal("Hotfull situation i hemmet"))
        let index = stored.count - 5
        stored[index] = stored[index] == "A" ? "B" : "A"
        #expect(throws: TextSealingError.unreadable) { try keyring.open(String(stored)) }
    }

    @Test("The stored length tells a note's length only to within 32 bytes: empty and short notes look alike")
    func lengthIsPadded() throws {
        let keyring = TextKeyring(current: first)
        let empty = keyring.seal(""), short = keyring.seal("Ja"), thirtyOne = keyring.seal(String(repeating: "x", count: 31))
        #expect(empty.count == short.count && short.count == thirtyOne.count)
        #expect(keyring.seal(String(repeating: "x", count: 32)).count > empty.count)
        for text in ["", "Ja", String(repeating: "x", count: 31), String(repeating: "å", count: 16), "slutar på nollbyte?"] {
            #expect(try keyring.open(keyring.seal(text)) == text)
        }
        // A value marked sealed whose key cannot be read is damaged, not a text in clear.
        #expect(throws: TextSealingError.unreadable) { try keyring.open(TextKeyring.prefix + "utan-kolon") }
    }

    @Test("A key is 32 bytes in base64; its id is the same wherever it is read and differs between keys")
    func keysFromText() throws {
        let bytes = Data((0..<32).map { UInt8($0) })
        let key = try #require(TextSealingKey(base64: bytes.base64EncodedString() + "\n"))
        #expect(key.id == TextSealingKey(SymmetricKey(data: bytes)).id)
        #expect(key.id.count == 8 && key.id != first.id)
        #expect(TextSealingKey(base64: Data(repeating: 1, count: 16).base64EncodedString()) == nil)
        #expect(TextSealingKey(base64: "inte base64") == nil)
    }
}
