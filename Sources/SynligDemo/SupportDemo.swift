import Fluent
import SynligApp
import SynligCore
import Vapor

/// Exempelkommun's catalogue: realistic offerings, a few civil-society organisations, and some
/// entries nobody has checked for a long time.
enum SupportDemo {
    static func seed(on db: any Database, organisationID: UUID, as consultant: CurrentUser) async throws {
        var civil: [String: UUID] = [:]
        for (name, grant, description) in [
            ("Demensföreningen Exempelbygd", true, "Anhöriggrupper och föreläsningar om demens."),
            ("Röda Korset Exempelkommun", false, "Besöksverksamhet och träffpunkt."),
            ("Attention Exempelkommun", true, "Stöd till anhöriga till personer med NPF."),
            ("Anhörigas Riksförbund, lokalavdelning", true, "Samtalsgrupper och rådgivning för anhöriga."),
        ] {
            let organisation = try await SupportService.addCivilSociety(
                name: name, description: description, contact: "info@\(name.lowercased().filter(\.isLetter).prefix(12)).exempel.se",
                stateGrant: grant, cooperation: "Samverkansmöte två gånger per år.", by: consultant, on: db)
            civil[name] = organisation.id
        }
        let today = CalendarDate.today()
        let stale = today.addingMonths(-8).iso
        let fresh = today.addingMonths(-1).iso
        let offerings: [(String, SupportKind, SupportProvider, String?, [SupportTargetGroup], Bool, [String], Bool, String, String)] = [
            ("Avlösning i hemmet", .respiteAtHome, .municipality, nil, [.olderPeople, .dementia, .disability], true, ["sv", "fi", "ar"], true,
             "Personal från hemtjänsten tar över i hemmet upp till 16 timmar i månaden.", fresh),
            ("Korttidsboendet Lärkan", .shortStay, .municipality, nil, [.olderPeople, .dementia], true, ["sv", "fi"], true,
             "Korttidsvistelse eller växelvård, t.ex. en vecka i månaden.", fresh),
            ("Dagverksamhet för personer med demens", .dayCare, .municipality, nil, [.dementia], true, ["sv", "fi"], false,
             "Aktiviteter och gemenskap vardagar 9–15 för den du hjälper.", fresh),
            ("Anhörigkonsulenten", .consultant, .municipality, nil, [.all], false, ["sv", "en", "fi"], true,
             "Enskilda samtal, råd och hjälp att hitta rätt stöd. Hembesök vid behov.", fresh),
            ("Anhöriglots vid vårdcentralen", .navigator, .region, nil, [.all], false, ["sv", "en", "ar"], true,
             "Hjälper dig att hitta rätt mellan region och kommun.", fresh),
            ("Samtalsstöd för anhöriga", .individualCounselling, .municipality, nil, [.all], false, ["sv", "en", "so", "ar"], true,
             "Upp till fem samtal med socionom, kostnadsfritt.", fresh),
            ("Anhöriggrupp demens", .supportGroup, .civilSociety, "Demensföreningen Exempelbygd", [.dementia], false, ["sv"], false,
             "Träffas varannan tisdag och delar erfarenheter.", fresh),
            ("Anhöriggrupp psykisk ohälsa", .supportGroup, .municipality, nil, [.mentalIllness], false, ["sv"], false,
             "Grupp för anhöriga till personer med psykisk ohälsa, sex träffar.", stale),
            ("Anhörigcirkel om demens", .education, .civilSociety, "Demensföreningen Exempelbygd", [.dementia, .olderPeople], false, ["sv", "fi"], false,
             "Fem träffar om sjukdomen, bemötande och stöd.", fresh),
            ("Träffpunkt Kaffekoppen", .meetingPlace, .civilSociety, "Röda Korset Exempelkommun", [.all], false, ["sv", "ar", "fa"], false,
             "Öppet onsdagar 13–16. Kom när du vill.", fresh),
            ("Anhöriganställning", .financialSupport, .municipality, nil, [.disability, .childrenWithDisability], true, ["sv"], true,
             "Du kan anställas av kommunen för den omsorg du ger.", fresh),
            ("Omvårdnadsbidrag", .financialSupport, .municipality, nil, [.olderPeople, .disability], true, ["sv"], true,
             "Ekonomisk ersättning för omvårdnad i hemmet.", stale),
            ("Anhörigstöd på nätet", .digitalSupport, .municipality, nil, [.all, .workingCaregivers], false, ["sv", "en", "fi", "ar", "so"], false,
             "Filmer, chatt och frågor dygnet runt.", fresh),
            ("Rådgivning om stöd och rättigheter", .informationAndAdvice, .municipality, nil, [.all], false, ["sv", "en"], true,
             "Ring eller kom förbi för svar på frågor.", fresh),
            ("Unga anhöriga – gruppträffar", .supportGroup, .municipality, nil, [.youngAdultCaregivers], false, ["sv", "en"], false,
             "För dig 16–25 år som hjälper någon i familjen.", fresh),
            ("Föräldragrupp NPF", .supportGroup, .civilSociety, "Attention Exempelkommun", [.childrenWithDisability], false, ["sv"], false,
             "För föräldrar till barn med neuropsykiatrisk funktionsnedsättning.", stale),
            ("Stöd för anhöriga som arbetar", .informationAndAdvice, .municipality, nil, [.workingCaregivers], false, ["sv", "en"], false,
             "Kvällsträffar om att kombinera arbete och omsorg.", fresh),
            ("Anhörigombud på arbetsplatsen", .caregiverAgent, .municipality, nil, [.workingCaregivers], false, ["sv"], false,
             "Kollegor som vet vart du kan vända dig.", fresh),
            ("Barngrupp – när någon i familjen är sjuk", .supportGroup, .region, nil, [.childrenAsRelatives], false, ["sv", "en"], false,
             "För barn 7–17 år vars förälder eller syskon är sjuk. Åtta träffar med samtalsledare.", fresh),
        ]
        for (index, entry) in offerings.enumerated() {
            let (name, kind, provider, civilName, groups, assessed, languages, interpreter, description, checked) = entry
            _ = try await SupportService.save(nil, OfferingInput(
                name: name, kind: kind.rawValue, provider: provider.rawValue,
                providerName: civilName ?? (provider == .region ? "Region Exempel" : "Exempelkommun"),
                civilSocietyId: civilName.flatMap { civil[$0] }?.uuidString, targetGroups: groups.map(\.rawValue),
                needsAssessment: assessed, cost: assessed ? "Avgift enligt taxa" : "Kostnadsfritt", languages: languages,
                interpreter: interpreter, accessibility: "Entré utan trappsteg. Hörslinga finns.",
                address: "Storgatan \(index + 1), 123 45 Exempelstad", schedule: "Vardagar 8–16",
                phone: "010-123 45 \(String(format: "%02d", index))", email: "anhorigstod@exempel.se", website: "https://exempel.se/anhorig",
                description: description, eligibility: assessed ? "För dig som ger omfattande omsorg." : "",
                lastChecked: checked, published: index != 17, version: nil), by: consultant, on: db)
        }
        try await seedContactRequests(organisationID: organisationID, on: db)
    }

    /// A few open requests from the public form, so the inbox and the worklist have something
    /// to turn into caregiver records. Made-up people, received over the last days.
    private static func seedContactRequests(organisationID: UUID, on db: any Database) async throws {
        let requests: [(String, String, String, String, Double)] = [
            ("Eila Mäkinen", "070-111 22 33", "Mieheni sairastaa dementiaa. Tarvitsen tauon.", "fi", 1),
            ("Jonas Berg", "jonas.berg@example.se", "Jag hjälper min pappa varje kväll efter jobbet och orkar inte längre.", "sv", 2),
            ("Samira Haddad", "073-444 55 66", "My son has a disability. Who can I talk to?", "en", 4),
        ]
        for (name, reach, about, language, daysAgo) in requests {
            _ = try await ContactRequestService.receive(.init(name: name, reach: reach, about: about, language: language, consent: true),
                                                        organisationID: organisationID, now: Date().addingTimeInterval(-daysAgo * 86400), on: db)
        }
    }
}
