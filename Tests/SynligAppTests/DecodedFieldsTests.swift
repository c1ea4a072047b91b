import Foundation
import Testing
@testable import SynligApp

@Suite("One field list per record: the input's properties")
struct DecodedFieldsTests {
    /// The properties of an input, read by reflection from an empty one.
    private func properties(of value: Any) -> [String] {
        Mirror(reflecting: value).children.compactMap(\.label)
    }

    @Test("The fields the strict JSON check and the form decoder accept are exactly each input's properties")
    func acceptedFieldsAreTheProperties() {
        let inputs: [(Any, [String])] = [
            (OfferingInput(), DecodedFields.names(of: OfferingInput.self)),
            (ConsentInput(), DecodedFields.names(of: ConsentInput.self)),
            (RestrictionInput(), DecodedFields.names(of: RestrictionInput.self)),
            (ConversationInput(), DecodedFields.names(of: ConversationInput.self)),
            (PlanInput(), DecodedFields.names(of: PlanInput.self)),
            (SupportInput(), DecodedFields.names(of: SupportInput.self)),
            (CaregiverInput(), DecodedFields.names(of: CaregiverInput.self)),
            (RecipientInput(unitIds: [], patientContract: false), DecodedFields.names(of: RecipientInput.self)),
            (RelationshipInput(livesTogether: false, tasks: [], carriesCoordination: false), DecodedFields.names(of: RelationshipInput.self)),
        ]
        for (empty, accepted) in inputs {
            #expect(accepted == properties(of: empty), "\(type(of: empty))")
        }
        #expect(NewRecord<OfferingInput>.allowedKeys == Set(properties(of: OfferingInput())).subtracting(["version"]))
    }

    @Test("A form decodes as a browser sends it: text as typed, repeated fields as a list, an unticked box false")
    func formValuesDecodeLikeABrowserSends() throws {
        let values = FormValues([("name", "Anhörigcafé"), ("targetGroups[]", "elderly"), ("targetGroups[]", "dementia"),
                                 ("published", "on"), ("cost", ""), ("version", "3"), ("civilSocietyId", "")])
        let input = try values.decode(OfferingInput.self)
        #expect(input.name == "Anhörigcafé")
        #expect(input.targetGroups == ["elderly", "dementia"])
        #expect(input.published == true)
        #expect(input.interpreter == false)
        #expect(input.cost == "")
        #expect(input.version == 3)
        #expect(input.civilSocietyId == "")
        #expect(input.languages == nil)
        #expect(try FormValues([("version", "tre")]).decode(OfferingInput.self).version == nil)
    }
}
